import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createDbaasClaimCreateAction } from './actions/createDbaasClaimCreateAction';
import { createDbaasClaimPublishAction } from './actions/createDbaasClaimPublishAction';
import { createDbaasClaimWaitAction } from './actions/createDbaasClaimWaitAction';
import { createDbaasServiceUpdateAction } from './actions/createDbaasServiceUpdateAction';
import { DbaasApiClient } from './client/DbaasApiClient';

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
        const client = new DbaasApiClient({ discovery, auth });
        scaffolder.addActions(
          createDbaasClaimCreateAction({ client, permissions }),
          createDbaasClaimPublishAction({ client }),
          createDbaasClaimWaitAction({ client }),
          createDbaasServiceUpdateAction({ client }),
        );
      },
    });
  },
});
