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
import type { Entity } from '@backstage/catalog-model';
import permissionBackend from '@backstage/plugin-permission-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import { dbaasPermissionPolicyModule } from '../permissions/permissionPolicyModule';
import { dbaasPlugin } from '../plugin';

const group = (name: string, type: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type, children: [], ...(parent ? { parent } : {}) },
});

/** Two organizations: acme (tenants payments, checkout) and globex (tenant ledger). */
export const GROUPS: Entity[] = [
  group('acme', 'organization'),
  group('payments', 'team', 'acme'),
  group('checkout', 'team', 'acme'),
  group('globex', 'organization'),
  group('ledger', 'team', 'globex'),
  group('platform', 'team'),
];

export const ACME = 'group:default/acme';
export const PAYMENTS = 'group:default/payments';
export const CHECKOUT = 'group:default/checkout';
export const LEDGER = 'group:default/ledger';

/** Users and the groups the catalog says they belong to. */
export const MEMBERSHIPS: Record<string, string[]> = {
  'user:default/ada': [PAYMENTS],
  'user:default/kwame': [CHECKOUT],
  'user:default/lena': [],
  'user:default/olu': [],
  'user:default/gina': [LEDGER],
  'user:default/root': ['group:default/platform'],
};

/** Catalog membership as the sign-in resolver would put it in user info. */
const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials) {
      const principal = credentials.principal as { userEntityRef: string };
      return {
        userEntityRef: principal.userEntityRef,
        ownershipEntityRefs: [
          principal.userEntityRef,
          ...(MEMBERSHIPS[principal.userEntityRef] ?? []),
        ],
      };
    },
  }),
});

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * authenticates as that user with the plugin as actor, as real tokens do: the
 * permission backend only answers conditional queries for users through a plugin.
 */
const authFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const mock = mockServices.auth({ pluginId: plugin.getId() });
    const authenticate: AuthService['authenticate'] = async (
      token,
      options,
    ) => {
      const credentials = await mock.authenticate(token, options);
      const prefix = 'mock-service-token:';
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
    };
    return {
      authenticate,
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
 * The DBaaS plugin with the real permission backend and the DBaaS policy, a
 * catalog holding GROUPS, and the plugin's database on the given knex (SQLite
 * in memory when none).
 */
export async function startDbaasBackend(options?: {
  knex?: Knex;
  /** The plugin's config, under `dbaas`. */
  config?: Record<string, unknown>;
  /** Config outside `dbaas` (the `kubernetes` clusters the status watch reads). */
  rootConfig?: Record<string, unknown>;
}): Promise<{
  server: Server;
  stop: () => Promise<void>;
  as: (user: string) => string;
}> {
  const backend = await startTestBackend({
    features: [
      dbaasPlugin,
      permissionBackend,
      dbaasPermissionPolicyModule,
      permissionsServiceFactory,
      userInfoFactory,
      authFactory,
      // The real one, so that requests authenticate through authFactory.
      httpAuthServiceFactory,
      catalogServiceMock.factory({ entities: GROUPS }),
      // DBAAS_TEST_LOG=error shows what the backend logs while a test runs.
      mockServices.rootLogger.factory({
        level: (process.env.DBAAS_TEST_LOG as 'error' | undefined) ?? 'none',
      }),
      ...(options?.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      mockServices.rootConfig.factory({
        data: {
          ...options?.rootConfig,
          permission: { enabled: true },
          dbaas: {
            permissions: { platformAdmins: ['group:default/platform'] },
            ...options?.config,
          },
        },
      }),
    ],
  });
  return {
    server: backend.server,
    stop: () => backend.stop(),
    /** The Authorization header of a signed-in user. */
    as: (user: string) => mockCredentials.user.header(user),
  };
}
