import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';

/**
 * Installs the DBaaS permission policy into the permission backend. Platform
 * admins come from `dbaas.permissions.platformAdmins` (user or group refs).
 *
 * @public
 */
export const dbaasPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'dbaas-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        policy: policyExtensionPoint,
      },
      async init({ config, policy }) {
        policy.setPolicy(
          new DbaasPermissionPolicy({
            platformAdmins:
              config.getOptionalStringArray(
                'dbaas.permissions.platformAdmins',
              ) ?? [],
          }),
        );
      },
    });
  },
});
