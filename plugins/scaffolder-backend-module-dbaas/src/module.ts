import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { DbaasClient } from '@internal/backstage-plugin-dbaas-common';
import { createDbaasActions } from './actions/createDbaasActions';

/**
 * The `dbaas:*` scaffolder actions, which order and change databases through
 * the DBaaS API on behalf of the user who runs the template.
 * @public
 */
export const scaffolderModuleDbaas = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'dbaas',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, discovery, auth, permissions }) {
        scaffolder.addActions(
          ...createDbaasActions({
            client: new DbaasClient({ discoveryApi: discovery }),
            auth,
            permissions,
          }),
        );
      },
    });
  },
});
