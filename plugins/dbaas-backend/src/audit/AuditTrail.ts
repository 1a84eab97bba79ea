import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { isError, toError } from '@backstage/errors';
import type { Request } from 'express';
import type { Knex } from 'knex';
import { writeAuditEvent } from './auditOutbox';
import type { InTransaction } from '../database/ServiceStore';
import type { Caller } from '../router/requestContext';

/** What a mutation is about, for its audit event. */
export type AuditSubject<T> = {
  action: string;
  tenant: string;
  organization: string;
  resourceType: string;
  /** The resource's id, known before the change or only from its result. */
  resourceId: string | ((result: T) => string);
  details?: (result: T) => Record<string, unknown>;
};

/**
 * Records each mutation twice over: through the Backstage auditor (the portal's
 * own audit log) and as an event in the outbox, written in the mutation's
 * transaction so that the change and its event commit together. A mutation that
 * fails gets a `failed` event of its own, written after its rollback.
 */
export class AuditTrail {
  constructor(
    private readonly db: Knex,
    private readonly auditor: AuditorService,
    private readonly logger: LoggerService,
  ) {}

  async record<T>(
    req: Request | undefined,
    caller: Caller,
    subject: AuditSubject<T>,
    mutation: (inTransaction: InTransaction<T>) => Promise<T>,
  ): Promise<T> {
    const auditorEvent = await this.auditor.createEvent({
      eventId: subject.action,
      request: req,
      severityLevel: 'medium',
      meta: {
        tenant: subject.tenant,
        resourceType: subject.resourceType,
        requestId: caller.requestId,
        // The auditor names the actor from the request; an action invoked by
        // an agent, or the portal acting on its own, has none.
        ...(req ? {} : { actor: caller.actor }),
      },
    });
    const base = {
      tenant: subject.tenant,
      organization: subject.organization,
      actor: caller.actor,
      action: subject.action,
      resourceType: subject.resourceType,
      requestId: caller.requestId,
    };
    try {
      const result = await mutation(async (tx, value) => {
        await writeAuditEvent(tx, {
          ...base,
          resourceId:
            typeof subject.resourceId === 'function'
              ? subject.resourceId(value)
              : subject.resourceId,
          outcome: 'succeeded',
          ...(subject.details ? { details: subject.details(value) } : {}),
        });
      });
      await auditorEvent.success();
      return result;
    } catch (error) {
      const err = isError(error) ? error : new Error(String(error));
      try {
        await writeAuditEvent(this.db, {
          ...base,
          resourceId:
            typeof subject.resourceId === 'string' ? subject.resourceId : '',
          outcome: 'failed',
          details: { error: err.name, message: err.message },
        });
      } catch (writeError) {
        // The caller must learn why their request failed, not that auditing did.
        this.logger.error(
          'Could not record a failed mutation',
          toError(writeError),
        );
      }
      await auditorEvent.fail({ error: err });
      throw error;
    }
  }
}
