import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { serviceCatalog } from '@internal/backstage-plugin-dbaas-common';
import { DatabaseCatalogStore } from './database/DatabaseCatalogStore';
import { ensureLocalGitOpsRepository } from './gitops/ensureLocalGitOpsRepository';
import { createRouter } from './service/router';

/**
 * The DBaaS backend plugin: the `/api/dbaas/v1` API of the portal.
 *
 * @public
 */
export const dbaasPlugin = createBackendPlugin({
  pluginId: 'dbaas',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
      },
      async init({ config, database, httpAuth, httpRouter, logger, metrics }) {
        const localPath = config.getOptionalString('dbaas.gitops.localPath');
        if (localPath && (await ensureLocalGitOpsRepository(localPath))) {
          logger.info(`Created the local GitOps repository at ${localPath}`);
        }

        const catalogStore = await DatabaseCatalogStore.create({
          database,
          catalog: serviceCatalog,
        });
        await catalogStore.replaceCatalog(serviceCatalog);

        httpRouter.use(
          await createRouter({ catalogStore, metrics, httpAuth, logger }),
        );
        // The router authenticates every request itself (see createRouter).
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});
