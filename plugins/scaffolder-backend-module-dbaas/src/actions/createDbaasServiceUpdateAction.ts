import { InputError } from '@backstage/errors';
import {
  formatZodError,
  restoreRequestSchema,
  scaleServiceRequestSchema,
  updateServiceRequestSchema,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { DbaasApiClient } from '../client/DbaasApiClient';
import { resolveService } from '../client/resolveService';
import { backupForPointInTime } from '../claim/backupForPointInTime';
import { compactInput } from '../claim/compactInput';
import { databaseEntityRef } from '../claim/databaseEntityRef';
import { examples } from './createDbaasServiceUpdateAction.examples';

const OPERATIONS = ['config', 'scale', 'restore', 'decommission'] as const;

/** What a change answered, as the step outputs it. */
type ChangeResult = {
  status?: string;
  message?: string;
  generation?: number;
  restoreId?: string;
  backupId?: string;
};

/** The result without absent fields: a checkpoint stores it as JSON. */
const defined = (result: ChangeResult): ChangeResult =>
  Object.fromEntries(
    Object.entries(result).filter(([, value]) => value !== undefined),
  );

/** Parses with a common schema; a refused field fails the step with its name. */
function parsed<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: Parameters<typeof formatZodError>[0] };
  },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${formatZodError(result.error)}`);
  }
  return result.data;
}

/**
 * `dbaas:service:update`: a day-2 change of a database through the DBaaS API,
 * on behalf of the user who runs the template: change its config
 * (`PUT /v1/services/{id}`), scale a role (`POST .../scale`), restore a backup,
 * optionally to a point in time (`POST .../restore`), or decommission it
 * (`DELETE`, after a final backup when backups are on). The API validates the
 * change against the current spec, checks the user's role and records it; the
 * GitOps commit and the operator do the rest.
 * @public
 */
export function createDbaasServiceUpdateAction(options: {
  client: DbaasApiClient;
}) {
  const { client } = options;
  return createTemplateAction({
    id: 'dbaas:service:update',
    description:
      'Changes a database through the DBaaS API: its config, its scale, a restore from a backup, or its decommission.',
    examples,
    // A dry run resolves the database and checks the change, and changes nothing.
    supportsDryRun: true,
    schema: {
      input: {
        serviceId: z =>
          z
            .string({ description: 'The database id; or give tenant and name' })
            .optional(),
        tenant: z =>
          z
            .string({
              description:
                'The tenant of the database, e.g. group:default/payments (with name)',
            })
            .optional(),
        name: z =>
          z
            .string({ description: 'The database name (with tenant)' })
            .optional(),
        operation: z =>
          z.enum(OPERATIONS, {
            description:
              'config: PUT the config fields; scale: resize a role; restore: restore a backup; decommission: delete the database',
          }),
        config: z =>
          z
            .record(z.any(), {
              description:
                'For config: the fields to change, as in PUT /v1/services/{id} (storageSize, backup.schedule, ...)',
            })
            .optional(),
        scale: z =>
          z
            .record(z.any(), {
              description:
                'For scale: { role?, replicas?, cpu?, memory? }; the role defaults to the engine\u2019s data role',
            })
            .optional(),
        restore: z =>
          z
            .record(z.any(), {
              description:
                'For restore: { backupId?, pointInTime? }; without backupId, the latest completed backup that ended by pointInTime (or the latest of all)',
            })
            .optional(),
        confirmName: z =>
          z
            .string({
              description:
                'For decommission: the database name typed again, so that no other database goes by mistake',
            })
            .optional(),
      },
      output: {
        serviceId: z => z.string({ description: 'The database id' }),
        entityRef: z =>
          z.string({ description: 'The database\u2019s catalog entity' }),
        status: z =>
          z
            .string({ description: 'The database status after the request' })
            .optional(),
        message: z =>
          z
            .string({
              description:
                'What the API says was requested, e.g. storage 500Gi \u2192 1Ti',
            })
            .optional(),
        generation: z =>
          z
            .number({ description: 'The spec generation after the change' })
            .optional(),
        restoreId: z =>
          z
            .string({ description: 'For restore: the restore\u2019s id' })
            .optional(),
        backupId: z =>
          z
            .string({ description: 'For restore: the backup restored from' })
            .optional(),
      },
    },
    async handler(ctx) {
      const { operation } = ctx.input;
      const credentials = await ctx.getInitiatorCredentials();
      const service: ServiceDetails = await resolveService(
        client,
        credentials,
        ctx.input,
      );
      const id = service.id;
      const entityRef = databaseEntityRef(service.tenant, service.name);
      ctx.output('serviceId', id);
      ctx.output('entityRef', entityRef);
      const key = `dbaas.service.${operation}.${id}.${ctx.step?.id ?? ''}`;

      // Each operation: its body checked with the API's own schema first, so a
      // dry run reports the same refusals a real run would.
      let send: () => Promise<ChangeResult>;
      if (operation === 'config') {
        const body = parsed(
          updateServiceRequestSchema,
          { config: compactInput(ctx.input.config) ?? {} },
          'config change',
        );
        send = () => client.updateService(credentials, id, body);
      } else if (operation === 'scale') {
        const body = parsed(
          scaleServiceRequestSchema,
          compactInput(ctx.input.scale) ?? {},
          'scale request',
        );
        send = () => client.scaleService(credentials, id, body);
      } else if (operation === 'restore') {
        const given = (compactInput(ctx.input.restore) ?? {}) as {
          backupId?: string;
          pointInTime?: string;
        };
        const backupId =
          given.backupId ??
          backupForPointInTime(
            await client.listBackups(credentials, id),
            given.pointInTime,
          ).id;
        const body = parsed(
          restoreRequestSchema,
          { ...given, backupId },
          'restore request',
        );
        send = async () => {
          const restore = await client.restoreService(credentials, id, body);
          return {
            status: restore.status,
            message: `Restore of backup ${backupId}${
              body.pointInTime ? ` to ${body.pointInTime}` : ''
            } requested`,
            restoreId: restore.restoreId,
            backupId,
          };
        };
      } else {
        if (ctx.input.confirmName !== service.name) {
          throw new InputError(
            `confirmName: type the database name, ${service.name}, to decommission it`,
          );
        }
        send = () => client.deleteService(credentials, id);
      }

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would ${operation} ${service.name} of ${service.tenant}`,
        );
        return;
      }
      const result = await ctx.checkpoint<ChangeResult>({
        key,
        fn: async () => {
          const { status, message, generation, restoreId, backupId } =
            await send();
          return defined({ status, message, generation, restoreId, backupId });
        },
      });
      ctx.logger.info(
        `${service.name} of ${service.tenant}: ${result.message ?? operation}`,
      );
      if (result.status) ctx.output('status', result.status);
      if (result.message) ctx.output('message', result.message);
      if (result.generation !== undefined) {
        ctx.output('generation', result.generation);
      }
      if (result.restoreId) ctx.output('restoreId', result.restoreId);
      if (result.backupId) ctx.output('backupId', result.backupId);
    },
  });
}
