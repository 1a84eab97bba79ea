import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { allowedUpgrades } from '@internal/backstage-plugin-dbaas-common';
import { explainApiErrors } from '../client/explainApiErrors';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasServiceUpgradeAction.examples';
import {
  changeService,
  serviceChangeOutput,
  serviceTargetInput,
} from './serviceChange';

/**
 * `dbaas:service:upgrade`: upgrades a database's engine version through the
 * DBaaS API (`PUT /v1/services/{id}` with `config.version`), on behalf of the
 * user who runs the template. Only a version allowedUpgrades offers from the
 * database's current one is sent; the API applies the same rule.
 * @public
 */
export function createDbaasServiceUpgradeAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:service:upgrade',
      description:
        'Upgrades the engine version of a database through the DBaaS API, to a version its engine allows from the current one.',
      examples,
      // A dry run resolves the database and asks the API for the change's dry
      // run: the claim's diff, nothing changed.
      supportsDryRun: true,
      schema: {
        input: {
          ...serviceTargetInput,
          version: z =>
            z.string({
              description:
                'The version to upgrade to: a later version the engine is offered in, no further than its upgrade path allows (PostgreSQL one major version at a time)',
            }),
        },
        output: serviceChangeOutput,
      },
      handler: ctx =>
        changeService(ctx, deps, 'upgrade', async ({ service, options }) => {
          const current = service.config.version;
          const { version } = ctx.input;
          const allowed = allowedUpgrades(service.engine, current);
          if (!allowed.includes(version)) {
            throw new InputError(
              `version: ${service.name} runs ${
                service.engine
              } ${current}, which upgrades to ${
                allowed.length > 0
                  ? allowed.join(' or ')
                  : 'no later version now'
              }, not ${version}`,
            );
          }
          const body = { config: { version } };
          return {
            send: () => client.updateService(service.id, body, options),
            preview: () =>
              client.previewUpdateService(service.id, body, options),
          };
        }),
    }),
  );
}
