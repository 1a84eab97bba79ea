import { createServiceFactory } from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { userInfoServiceFactory } from '@backstage/backend-defaults/userInfo';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import catalogModuleKeycloak from '@backstage-community/plugin-catalog-backend-module-keycloak';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleDbaas from '@internal/backstage-plugin-catalog-backend-module-dbaas';
import dbaasPlugin, {
  permissionModuleDbaasPolicy,
} from '@internal/backstage-plugin-dbaas-backend';
import scaffolderModuleDbaas from '@internal/backstage-plugin-scaffolder-backend-module-dbaas';
import {
  membershipUserInfoFactory,
  onBehalfOfAuthServiceFactory,
} from '@internal/test-services';
import type { Server } from 'node:http';
import { authModuleKeycloakProvider } from '../modules/authModuleKeycloakProvider';
import { catalogModuleKeycloakOrganizations } from '../modules/catalogModuleKeycloakOrganizations';
import { databaseServiceFactory } from '../modules/databaseServiceFactory';

/**
 * One events bus for all plugins, as in a backend process (the test backend's
 * default gives each plugin its own, and the catalog module would never hear the
 * DBaaS plugin). Its ref is taken from the mock's factory because this package
 * does not depend on `@backstage/plugin-events-node`.
 */
function sharedEventsFactory() {
  const bus = mockServices.events();
  return createServiceFactory({
    service: mockServices.events.factory().service,
    deps: {},
    factory: () => bus,
  });
}

/** The backend's configuration, as app-config.yaml would hold it. */
type ConfigData = NonNullable<
  Parameters<typeof mockServices.rootConfig.factory>[0]
>['data'];

/**
 * The portal's backend as `src/index.ts` wires it for ordering a database: the
 * catalog with the DBaaS entity provider, the Template kind and the Keycloak
 * organization provider, the scaffolder with the DBaaS actions,
 * the DBaaS plugin, and the permission backend with the DBaaS policy. Services
 * are the test backend's, except for the real scheduler (the GitOps reconciler and
 * the catalog module run on it), permissions, HTTP auth and one shared events bus.
 */
export async function startPortalTestBackend(options: {
  config: ConfigData;
  /**
   * Users and the groups they belong to, for the test backend's users
   * (`mockCredentials`). Left out, the backend authenticates for real: the
   * auth backend with the portal's Keycloak sign-in signs users in, Backstage's
   * auth service verifies every token (users', plugins', external access) and
   * users' groups come from the real catalog.
   */
  memberships?: Record<string, string[]>;
}): Promise<{ server: Server; stop: () => Promise<void> }> {
  const authFeatures = options.memberships
    ? [
        onBehalfOfAuthServiceFactory,
        membershipUserInfoFactory(options.memberships),
      ]
    : [
        authPlugin,
        authModuleKeycloakProvider,
        authServiceFactory,
        userInfoServiceFactory,
      ];
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleDbaas,
      // Users and groups from Keycloak where catalog.providers.keycloakOrg is set.
      catalogModuleKeycloak,
      catalogModuleKeycloakOrganizations,
      scaffolderPlugin,
      scaffolderModuleDbaas,
      dbaasPlugin,
      permissionPlugin,
      permissionModuleDbaasPolicy,
      permissionsServiceFactory,
      httpAuthServiceFactory,
      schedulerServiceFactory,
      ...authFeatures,
      sharedEventsFactory(),
      // DBAAS_TEST_LOG=info shows what the backend logs while the test runs.
      mockServices.rootLogger.factory({
        level: (process.env.DBAAS_TEST_LOG as 'info' | undefined) ?? 'none',
      }),
      mockServices.rootConfig.factory({ data: options.config }),
      // As src/index.ts: replicas starting together migrate one at a time.
      databaseServiceFactory,
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}
