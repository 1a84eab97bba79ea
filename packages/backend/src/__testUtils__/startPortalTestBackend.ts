import {
  coreServices,
  createServiceFactory,
  type AuthService,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import permissionPlugin from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import catalogModuleDbaas from '@internal/backstage-plugin-catalog-backend-module-dbaas';
import dbaasPlugin, {
  dbaasPermissionPolicyModule,
} from '@internal/backstage-plugin-dbaas-backend';
import scaffolderModuleDbaas from '@internal/backstage-plugin-scaffolder-backend-module-dbaas';
import type { Server } from 'node:http';

/**
 * User info as the sign-in resolver puts it: the user and the groups the
 * catalog says they belong to.
 */
function userInfoFactory(memberships: Record<string, string[]>) {
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const { userEntityRef } = credentials.principal as {
          userEntityRef: string;
        };
        return {
          userEntityRef,
          ownershipEntityRefs: [
            userEntityRef,
            ...(memberships[userEntityRef] ?? []),
          ],
        };
      },
    }),
  });
}

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * authenticates as that user with the plugin as actor, as real tokens do: the
 * permission backend answers conditional queries for users only through a plugin.
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const mock = mockServices.auth({ pluginId: plugin.getId() });
    const prefix = 'mock-service-token:';
    return {
      async authenticate(token, options) {
        const credentials = await mock.authenticate(token, options);
        if (
          token.startsWith(prefix) &&
          (credentials.principal as { type: string }).type === 'user'
        ) {
          const { obo, sub } = JSON.parse(token.slice(prefix.length));
          return mockCredentials.user(obo, {
            actor: { subject: sub ?? 'plugin:unknown' },
          });
        }
        return credentials;
      },
      getNoneCredentials: () => mock.getNoneCredentials(),
      getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
      isPrincipal: mock.isPrincipal.bind(mock),
      getPluginRequestToken: options => mock.getPluginRequestToken(options),
      getLimitedUserToken: credentials => mock.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => mock.listPublicServiceKeys(),
    } as AuthService;
  },
});

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
 * catalog with the DBaaS entity provider and the Template kind, the scaffolder with the DBaaS actions,
 * the DBaaS plugin, and the permission backend with the DBaaS policy. Services
 * are the test backend's, except for the real scheduler (the GitOps sync and the
 * catalog module run on it), permissions, HTTP auth and one shared events bus.
 */
export async function startPortalTestBackend(options: {
  config: ConfigData;
  /** Users and the groups they belong to. */
  memberships: Record<string, string[]>;
}): Promise<{ server: Server; stop: () => Promise<void> }> {
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleDbaas,
      scaffolderPlugin,
      scaffolderModuleDbaas,
      dbaasPlugin,
      permissionPlugin,
      dbaasPermissionPolicyModule,
      permissionsServiceFactory,
      httpAuthServiceFactory,
      schedulerServiceFactory,
      authFactory,
      userInfoFactory(options.memberships),
      sharedEventsFactory(),
      // DBAAS_TEST_LOG=info shows what the backend logs while the test runs.
      mockServices.rootLogger.factory({
        level: (process.env.DBAAS_TEST_LOG as 'info' | undefined) ?? 'none',
      }),
      mockServices.rootConfig.factory({ data: options.config }),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}
