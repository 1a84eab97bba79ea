import { restoreRequestSchema } from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { backupForPointInTime } from '../claim/backupForPointInTime';
import { compactInput } from '../claim/compactInput';
import { explainApiErrors } from '../client/explainApiErrors';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasServiceRestoreAction.examples';
import {
  changeService,
  parsed,
  serviceChangeOutput,
  serviceTargetInput,
} from './serviceChange';

/**
 * `dbaas:service:restore`: restores a database from one of its backups,
 * optionally to a point in time, through the DBaaS API
 * (`POST /v1/services/{id}/restore`), on behalf of the user who runs the template.
 * @public
 */
export function createDbaasServiceRestoreAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:service:restore',
      description:
        'Restores a database through the DBaaS API from a backup, optionally to a point in time, picking the backup when none is named.',
      examples,
      // A dry run resolves the database and the backup, and changes nothing.
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
        },
        output: {
          ...serviceChangeOutput,
          restoreId: z =>
            z.string({ description: 'The restore\u2019s id' }).optional(),
          backupId: z =>
            z.string({ description: 'The backup restored from' }).optional(),
        },
      },
      handler: ctx =>
        changeService(ctx, deps, 'restore', async ({ service, options }) => {
          const given = (compactInput(ctx.input.restore) ?? {}) as {
            backupId?: string;
            pointInTime?: string;
          };
          const backupId =
            given.backupId ??
            backupForPointInTime(
              await client.listBackups(service.id, options),
              given.pointInTime,
            ).id;
          const body = parsed(
            restoreRequestSchema,
            { ...given, backupId },
            'restore request',
          );
          return async () => {
            const restore = await client.restoreService(
              service.id,
              body,
              options,
            );
            return {
              status: restore.status,
              message: `Restore of backup ${backupId}${
                body.pointInTime ? ` to ${body.pointInTime}` : ''
              } requested`,
              restoreId: restore.restoreId,
              backupId,
            };
          };
        }),
    }),
  );
}
