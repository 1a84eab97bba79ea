import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { explainApiErrors } from '../client/explainApiErrors';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasServiceDecommissionAction.examples';
import {
  changeService,
  serviceChangeOutput,
  serviceTargetInput,
} from './serviceChange';

/**
 * `dbaas:service:decommission`: deletes a database through the DBaaS API
 * (`DELETE /v1/services/{id}`, after a final backup when backups are on and the
 * engine takes one), on behalf of the user who runs the template, once its
 * name is typed again, and, where the engine takes no final backup, once the
 * user has accepted that none will exist.
 * @public
 */
export function createDbaasServiceDecommissionAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:service:decommission',
      description:
        'Decommissions a database through the DBaaS API once its name is typed again; a final backup is taken first when backups are on.',
      examples,
      // A dry run resolves the database, checks the name and asks the API for
      // the deletion's dry run (the claim it would remove), deleting nothing.
      supportsDryRun: true,
      schema: {
        input: {
          ...serviceTargetInput,
          confirmName: z =>
            z.string({
              description:
                'The database name typed again, so that no other database goes by mistake',
            }),
          confirmNoFinalBackup: z =>
            z
              .boolean({
                description:
                  'Accept that no final backup will exist where the engine cannot take one (PostgreSQL and MongoDB can); without it such a decommission stops with the reason',
              })
              .optional(),
        },
        output: serviceChangeOutput,
      },
      handler: ctx =>
        changeService(
          ctx,
          deps,
          'decommission',
          async ({ service, options }) => {
            if (ctx.input.confirmName !== service.name) {
              throw new InputError(
                `confirmName: type the database name, ${service.name}, to decommission it`,
              );
            }
            // Checked here too, so a dry run says it before anything is sent.
            const final = service.backups.final;
            if (
              !final.available &&
              service.config.backup.enabled &&
              !ctx.input.confirmNoFinalBackup
            ) {
              throw new InputError(
                `confirmNoFinalBackup: ${service.name} can take no final backup (${final.reason}); accept that none will exist to decommission it`,
              );
            }
            const query = {
              confirmNoFinalBackup: ctx.input.confirmNoFinalBackup,
            };
            return {
              send: () => client.deleteService(service.id, options, query),
              preview: () =>
                client.previewDeleteService(service.id, options, query),
            };
          },
        ),
    }),
  );
}
