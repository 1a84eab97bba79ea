import { scaleServiceRequestSchema } from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { compactInput } from '../claim/compactInput';
import { explainApiErrors } from '../client/explainApiErrors';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasServiceScaleAction.examples';
import {
  changeService,
  parsed,
  serviceChangeOutput,
  serviceTargetInput,
} from './serviceChange';

/**
 * `dbaas:service:scale`: resizes one role of a database through the DBaaS API
 * (`POST /v1/services/{id}/scale`), on behalf of the user who runs the template.
 * @public
 */
export function createDbaasServiceScaleAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:service:scale',
      description:
        'Scales one role of a database through the DBaaS API: its replicas, or the CPU and memory of each.',
      examples,
      // A dry run resolves the database and asks the API for the change's dry
      // run: the claim's diff, nothing changed.
      supportsDryRun: true,
      schema: {
        input: {
          ...serviceTargetInput,
          scale: z =>
            z.record(z.any(), {
              description:
                '{ role?, replicas?, cpu?, memory? }; the role defaults to the engine\u2019s data role. Fields left empty are ignored.',
            }),
        },
        output: serviceChangeOutput,
      },
      handler: ctx =>
        changeService(ctx, deps, 'scale', async ({ service, options }) => {
          const body = parsed(
            scaleServiceRequestSchema,
            compactInput(ctx.input.scale) ?? {},
            'scale request',
          );
          return {
            send: () => client.scaleService(service.id, body, options),
            preview: () =>
              client.previewScaleService(service.id, body, options),
          };
        }),
    }),
  );
}
