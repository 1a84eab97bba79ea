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
 * (`DELETE /v1/services/{id}`, after a final backup when backups are on), on
 * behalf of the user who runs the template, once its name is typed again.
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
      // A dry run resolves the database and checks the name, and deletes nothing.
      supportsDryRun: true,
      schema: {
        input: {
          ...serviceTargetInput,
          confirmName: z =>
            z.string({
              description:
                'The database name typed again, so that no other database goes by mistake',
            }),
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
            return () => client.deleteService(service.id, options);
          },
        ),
    }),
  );
}
