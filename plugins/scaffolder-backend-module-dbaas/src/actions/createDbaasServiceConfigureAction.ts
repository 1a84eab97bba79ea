import { updateServiceRequestSchema } from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { compactInput } from '../claim/compactInput';
import { explainApiErrors } from '../client/explainApiErrors';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasServiceConfigureAction.examples';
import {
  changeService,
  parsed,
  serviceChangeOutput,
  serviceTargetInput,
} from './serviceChange';

/**
 * `dbaas:service:configure`: changes a database's config through the DBaaS
 * API (`PUT /v1/services/{id}`), on behalf of the user who runs the template.
 * The API validates the change against the current spec, checks the user's
 * role and records it; the GitOps commit and the operator do the rest.
 * @public
 */
export function createDbaasServiceConfigureAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:service:configure',
      description:
        'Changes the config of a database through the DBaaS API: its storage size, version, backup schedule and the like.',
      examples,
      // A dry run resolves the database and asks the API for the change's dry
      // run: the claim's diff, nothing changed.
      supportsDryRun: true,
      schema: {
        input: {
          ...serviceTargetInput,
          config: z =>
            z.record(z.any(), {
              description:
                'The fields to change, as in PUT /v1/services/{id} (storageSize, backup.schedule, ...). Fields left empty are ignored.',
            }),
        },
        output: serviceChangeOutput,
      },
      handler: ctx =>
        changeService(ctx, deps, 'config', async ({ service, options }) => {
          const body = parsed(
            updateServiceRequestSchema,
            { config: compactInput(ctx.input.config) ?? {} },
            'config change',
          );
          return {
            send: () => client.updateService(service.id, body, options),
            preview: () =>
              client.previewUpdateService(service.id, body, options),
          };
        }),
    }),
  );
}
