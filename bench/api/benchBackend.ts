import {
  coreServices,
  createServiceFactory,
  type AuthService,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionBackend from '@backstage/plugin-permission-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import dbaasPlugin, {
  dbaasPermissionPolicyModule,
} from '@internal/backstage-plugin-dbaas-backend';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import {
  benchGroups,
  membershipsOf,
  PLATFORM,
  type BenchShape,
} from './benchFixtures';

/** Catalog membership as the sign-in resolver would put it in user info. */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const { userEntityRef } = credentials.principal as {
        userEntityRef: string;
      };
      return {
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, ...membershipsOf(userEntityRef)],
      };
    },
  }),
});

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * authenticates as that user with the plugin as actor, as real tokens do: the
 * permission backend answers conditional queries only for users through a plugin.
 * The same idea as the plugin's test backend (src/__testUtils__/dbaasTestBackend.ts).
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
            actor: { subject: sub ?? 'plugin:dbaas' },
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
 * The DBaaS plugin as the test backend boots it (real permission backend and
 * DBaaS policy, real HTTP auth on mock tokens), on the given database, with a
 * catalog of the shape's organizations and tenants and a rate limit high enough
 * never to refuse: its bookkeeping is still done on every request.
 */
export async function startBenchBackend(options: {
  knex: Knex;
  shape: BenchShape;
  requestsPerMinute: number;
}): Promise<{ server: Server; stop: () => Promise<void> }> {
  const backend = await startTestBackend({
    features: [
      dbaasPlugin,
      permissionBackend,
      dbaasPermissionPolicyModule,
      permissionsServiceFactory,
      userInfoFactory,
      authFactory,
      httpAuthServiceFactory,
      catalogServiceMock.factory({ entities: benchGroups(options.shape) }),
      mockServices.rootLogger.factory({
        level: (process.env.BENCH_LOG as 'error' | undefined) ?? 'none',
      }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          dbaas: {
            permissions: { platformAdmins: [PLATFORM] },
            rateLimit: { requestsPerMinute: options.requestsPerMinute },
          },
        },
      }),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}

/** The Authorization header of a signed-in user, as the test backend takes it. */
export const authorizationOf = (userRef: string) =>
  mockCredentials.user.header(userRef);
