import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { DbaasEntityProvider } from './DbaasEntityProvider';

/**
 * Registers {@link DbaasEntityProvider} with the catalog.
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
      },
    });
  },
});
