import type {
  AuditEvent,
  AuditLogQuery,
  Page,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { deleteInBatches } from '../database/deleteInBatches';
import { type RawAuditEventRow, toAuditEvent } from './auditEventRows';
import { reserveTenantSlug } from '../tenancy/tenantSlugs';
import { auditTopic } from './auditTopic';

/** What a mutation reports; the outbox adds the event id and the time. */
export type AuditEventInput = Omit<AuditEvent, 'id' | 'occurredAt'>;

/**
 * Records an audit event. Pass the transaction of the mutation it describes: the
 * event then exists exactly when the change does, and the relay publishes it
 * after the commit. Callers pass trusted, already validated data; only a tenant
 * that is not a group reference, or whose slug another tenant holds, is refused
 * (the topic would be that tenant's).
 */
export async function writeAuditEvent(
  db: Knex | Knex.Transaction,
  input: AuditEventInput,
): Promise<AuditEvent> {
  // A tenant without a topic would stall the relay at this row for good; refuse
  // it here, where the mutation's transaction rolls back with it.
  auditTopic(input.tenant);
  await reserveTenantSlug(db, input.tenant);
  const row: Omit<RawAuditEventRow, 'seq'> = {
    id: randomUUID(),
    tenant: input.tenant,
    organization: input.organization ?? null,
    actor: input.actor,
    action: input.action,
    resource_type: input.resourceType,
    resource_id: input.resourceId,
    request_id: input.requestId,
    outcome: input.outcome,
    details: input.details ? JSON.stringify(input.details) : null,
    occurred_at: new Date(),
    published_at: null,
  };
  await db<RawAuditEventRow>('audit_events').insert(row);
  return toAuditEvent(row);
}

/**
 * Audit events newest first: a tenant's, an organization's (its tenants' and
 * its own), or one tenant's of an organization, narrowed by the query's
 * filters. The route decides who may read them.
 */
export async function listAuditEvents(
  db: Knex,
  query: AuditLogQuery,
): Promise<Page<AuditEvent>> {
  const base = db<RawAuditEventRow>('audit_events');
  if (query.organization) {
    base.where('organization', query.organization);
  }
  if (query.tenant) {
    base.where('tenant', query.tenant);
  }
  if (!query.organization && !query.tenant) {
    // The schema asks for one; never list every tenant's events by mistake.
    throw new Error('An audit log query names a tenant or an organization');
  }
  if (query.action) {
    base.where('action', query.action);
  }
  if (query.actor) {
    base.where('actor', query.actor);
  }
  // Date bindings, so that SQLite compares epoch milliseconds as stored.
  if (query.since) {
    base.where('occurred_at', '>=', new Date(query.since));
  }
  if (query.until) {
    base.where('occurred_at', '<=', new Date(query.until));
  }
  const [rows, [{ total }]] = await Promise.all([
    base
      .clone()
      // seq breaks ties between events of the same millisecond.
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'seq', order: 'desc' },
      ])
      .offset((query.page - 1) * query.limit)
      .limit(query.limit),
    base.clone().count({ total: '*' }),
  ]);
  return {
    data: rows.map(toAuditEvent),
    pagination: {
      page: query.page,
      limit: query.limit,
      total: Number(total),
    },
  };
}

/**
 * Deletes the audit events that occurred before `before` (the retention
 * pass, `dbaas.audit.retentionDays`), but while the relay publishes them
 * never one it has not published yet. Resolves to how many went.
 */
export function pruneAuditEvents(
  db: Knex,
  options: { before: Date; keepUnpublished: boolean; batchSize?: number },
): Promise<number> {
  return deleteInBatches(
    db,
    'audit_events',
    'seq',
    query => {
      query.where('occurred_at', '<', options.before);
      if (options.keepUnpublished) query.whereNotNull('published_at');
    },
    options.batchSize,
  );
}
