import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { dbaasPlaceholderResolver } from './dbaasPlaceholderResolver';
import { DbaasEntityProvider } from './DbaasEntityProvider';
import { DbaasServiceClient } from './DbaasServiceClient';

/**
 * Registers {@link DbaasEntityProvider} with the catalog, and the `$dbaas`
 * placeholder that reads the API's OpenAPI document into its API entity.
 *
 * @public
 */
export const catalogModuleDbaasEntityProvider = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'dbaas',
  register(env) {
    env.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({ processing, config, ...deps }) {
        processing.addEntityProvider(
          DbaasEntityProvider.fromConfig(config, deps),
        );
        processing.addPlaceholderResolver(
          'dbaas',
          dbaasPlaceholderResolver(new DbaasServiceClient(deps)),
        );
      },
    });
  },
});
