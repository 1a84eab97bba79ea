import { ConflictError, ResponseError } from '@backstage/errors';
import {
  restoreRequestSchema,
  type DbaasApi,
  type DbaasRequestOptions,
  type Restore,
  type RestoreRequest,
} from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { backupForPointInTime } from '../claim/backupForPointInTime';
import { compactInput } from '../claim/compactInput';
import { databaseEntityRef } from '../claim/databaseEntityRef';
import { explainApiErrors } from '../client/explainApiErrors';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasServiceRestoreAction.examples';
import {
  changeService,
  parsed,
  serviceChangeOutput,
  serviceTargetInput,
  type ChangeResult,
} from './serviceChange';

/**
 * The restore an earlier attempt of this task already made, when the API
 * answers 409 for the new database's name: the task died after the API
 * recorded the restore but before the checkpoint did. It is only taken as ours
 * when the same user restored the same backup to the same moment into that
 * name; anything else is a real conflict.
 */
async function restoredEarlier(
  client: DbaasApi,
  serviceId: string,
  request: RestoreRequest,
  userRef: string | undefined,
  options: DbaasRequestOptions,
): Promise<Restore | undefined> {
  const user = userRef?.toLowerCase();
  if (!user || !request.targetName) return undefined;
  const restores = await client.listRestores(serviceId, options);
  return restores.find(
    r =>
      r.targetName === request.targetName &&
      r.backupId === request.backupId &&
      (r.pointInTime === undefined
        ? request.pointInTime === undefined
        : request.pointInTime !== undefined &&
          Date.parse(r.pointInTime) === Date.parse(request.pointInTime)) &&
      r.createdBy.toLowerCase() === user,
  );
}

/**
 * `dbaas:service:restore`: restores one of a database's backups into a new
 * database of the same tenant, engine, plan and region, optionally to a point
 * in time, through the DBaaS API (`POST /v1/services/{id}/restore`), on behalf
 * of the user who runs the template. The source keeps running; the new
 * database counts against the tenant's quota like one ordered.
 * @public
 */
export function createDbaasServiceRestoreAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:service:restore',
      description:
        'Restores a backup of a database into a new database through the DBaaS API, optionally to a point in time, picking the backup when none is named.',
      examples,
      // A dry run resolves the database and the backup, checks the request
      // and the engine, and asks the API for the restore's dry run: the new
      // database's claim, nothing restored.
      supportsDryRun: true,
      schema: {
        input: {
          ...serviceTargetInput,
          restore: z =>
            z
              .record(z.any(), {
                description:
                  '{ backupId?, pointInTime? }; without backupId, the latest completed backup that ended by pointInTime (or the latest of all)',
              })
              .optional(),
          targetName: z =>
            z
              .string({
                description:
                  'The new database\u2019s name; by default the API names it after the source and the time',
              })
              .optional(),
        },
        output: {
          ...serviceChangeOutput,
          restoreId: z =>
            z.string({ description: 'The restore\u2019s id' }).optional(),
          backupId: z =>
            z.string({ description: 'The backup restored from' }).optional(),
          targetServiceId: z =>
            z
              .string({
                description:
                  'The id of the new database the backup is restored into',
              })
              .optional(),
          targetName: z =>
            z
              .string({ description: 'The new database\u2019s name' })
              .optional(),
          targetEntityRef: z =>
            z
              .string({
                description:
                  'The new database\u2019s catalog entity, to link to: resource:default/{tenant}.{name}',
              })
              .optional(),
        },
      },
      handler: ctx =>
        changeService(ctx, deps, 'restore', async ({ service, options }) => {
          const given = (compactInput(ctx.input.restore) ?? {}) as {
            backupId?: string;
            pointInTime?: string;
          };
          const targetName = compactInput(ctx.input.targetName);
          const backupId =
            given.backupId ??
            backupForPointInTime(
              await client.listBackups(service.id, options),
              given.pointInTime,
            ).id;
          const body = parsed(
            restoreRequestSchema,
            { ...given, backupId, ...(targetName ? { targetName } : {}) },
            'restore request',
          );
          // What the engine cannot do is refused here too, so that a dry run
          // says so; the API refuses it the same way.
          const capability =
            service.backups[body.pointInTime ? 'pointInTime' : 'restore'];
          if (!capability.available) {
            throw new ConflictError(
              `Database ${service.name} cannot be restored${
                body.pointInTime ? ' to a point in time' : ''
              }: ${capability.reason}`,
            );
          }
          if (body.targetName) {
            ctx.output('targetName', body.targetName);
            ctx.output(
              'targetEntityRef',
              databaseEntityRef(service.tenant, body.targetName),
            );
          }
          const send = async (): Promise<ChangeResult> => {
            let restore: Restore;
            try {
              restore = await client.restoreService(service.id, body, options);
            } catch (error) {
              const earlier =
                ResponseError.is(error) && error.statusCode === 409
                  ? await restoredEarlier(
                      client,
                      service.id,
                      body,
                      ctx.user?.ref,
                      options,
                    )
                  : undefined;
              if (!earlier) throw error;
              ctx.logger.info(
                `${body.targetName} was already restored by an earlier attempt of this task`,
              );
              restore = earlier;
            }
            const into = restore.targetName ?? body.targetName;
            return {
              status: restore.status,
              message: `Restore of backup ${backupId}${
                body.pointInTime ? ` to ${body.pointInTime}` : ''
              } into the new database ${
                into ?? '(named by the API)'
              } requested`,
              restoreId: restore.restoreId,
              backupId,
              targetServiceId: restore.targetServiceId,
              targetName: into,
            };
          };
          // A dry run: the API checks the restore and the new database as
          // the restore would, and answers the new database's claim.
          const preview = () =>
            client.previewRestoreService(service.id, body, options);
          return { send, preview };
        }),
    }),
  );
}
