import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { catalogEntityReadDecisions } from './catalogEntityReadDecision';
import { catalogRegistrationDecisions } from './catalogRegistrationDecisions';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';
import { DbaasReadableTenantsClient } from './DbaasReadableTenantsClient';
import { kubernetesProxyDecisions } from './kubernetesProxyDecision';
import { kubernetesReadDecisions } from './kubernetesReadDecisions';
import { scaffolderDecisions } from './scaffolderDecisions';

/**
 * Installs the DBaaS permission policy into the permission backend. Platform
 * admins come from `dbaas.permissions.platformAdmins` (user or group refs).
 *
 * @public
 */
export const permissionModuleDbaasPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'dbaas-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        logger: coreServices.logger,
        policy: policyExtensionPoint,
      },
      async init({ auth, config, discovery, logger, policy }) {
        const tenants = new DbaasReadableTenantsClient({
          auth,
          discovery,
          logger,
        });
        policy.setPolicy(
          new DbaasPermissionPolicy({
            platformAdmins:
              config.getOptionalStringArray(
                'dbaas.permissions.platformAdmins',
              ) ?? [],
            decisions: {
              ...kubernetesProxyDecisions,
              ...kubernetesReadDecisions,
              ...scaffolderDecisions,
              ...catalogRegistrationDecisions,
              ...catalogEntityReadDecisions({
                readableTenants: tenants.readableTenants,
              }),
            },
          }),
        );
      },
    });
  },
});
