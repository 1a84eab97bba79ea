import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { kubernetesClusterSupplierExtensionPoint } from '@backstage/plugin-kubernetes-node';
import { CatalogPopDirectory } from '../pops/CatalogPopDirectory';
import { PopClusters } from '../pops/PopClusters';
import { PopClusterSupplier } from './PopClusterSupplier';

/**
 * Makes the Kubernetes plugin's clusters the PoPs' (PopClusterSupplier), so
 * that a PoP added to the catalog shows in every database's Kubernetes tab
 * without a config change.
 *
 * @public
 */
export const kubernetesModuleDbaasPops = createBackendModule({
  pluginId: 'kubernetes',
  moduleId: 'dbaas-pops',
  register(env) {
    env.registerInit({
      deps: {
        clusterSuppliers: kubernetesClusterSupplierExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        logger: coreServices.logger,
        config: coreServices.rootConfig,
      },
      async init({ clusterSuppliers, catalog, auth, logger, config }) {
        const pops = CatalogPopDirectory.fromConfig(config, {
          catalog,
          auth,
          logger,
        });
        clusterSuppliers.addClusterSupplier(
          async ({ getDefault }) =>
            new PopClusterSupplier(
              await getDefault(),
              pops,
              PopClusters.fromConfig(config),
            ),
        );
      },
    });
  },
});
