import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import permissionBackend from '@backstage/plugin-permission-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  membershipUserInfoFactory,
  onBehalfOfAuthServiceFactory,
} from '@internal/test-services';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import { permissionModuleDbaasPolicy } from '../permissions/permissionModuleDbaasPolicy';
import { dbaasPlugin } from '../plugin';

/** A catalog Group; `namespace` defaults to `default`. */

/** The PoPs of catalog/pops.yaml, as the catalog holds them. */
export const POP_ENTITIES: Entity[] = examplePops.map(
  pop => popEntity(pop) as Entity,
);

export const group = (
  name: string,
  type: string,
  parent?: string,
  namespace = 'default',
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace },
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
  /** Groups the catalog holds besides GROUPS. */
  groups?: Entity[];
  /** Users besides MEMBERSHIPS, with the groups they belong to. */
  memberships?: Record<string, string[]>;
  /**
   * A scheduler whose tasks the test runs itself (`triggerTask`); by default
   * scheduled tasks never run.
   */
  scheduler?: SchedulerService;
  /** More plugins and modules, such as the notifications backend. */
  features?: BackendFeature[];
}): Promise<{
  server: Server;
  stop: () => Promise<void>;
  as: (user: string) => string;
}> {
  const memberships = { ...MEMBERSHIPS, ...options?.memberships };
  // Each group lists its members, as the catalog's relations do (the
  // notifications backend finds a team's members by them).
  const withMembers = (entity: Entity): Entity =>
    entity.kind === 'Group'
      ? {
          ...entity,
          relations: Object.entries(memberships)
            .filter(([, groups]) => groups.includes(stringifyEntityRef(entity)))
            .map(([user]) => ({ type: 'hasMember', targetRef: user })),
        }
      : entity;
  const backend = await startTestBackend({
    features: [
      dbaasPlugin,
      permissionBackend,
      permissionModuleDbaasPolicy,
      permissionsServiceFactory,
      membershipUserInfoFactory(memberships),
      onBehalfOfAuthServiceFactory,
      // The real one, so that requests authenticate through the auth above.
      httpAuthServiceFactory,
      catalogServiceMock.factory({
        entities: [...GROUPS, ...(options?.groups ?? []), ...POP_ENTITIES].map(
          withMembers,
        ),
      }),
      // DBAAS_TEST_LOG=error shows what the backend logs while a test runs.
      mockServices.rootLogger.factory({
        level: (process.env.DBAAS_TEST_LOG as 'error' | undefined) ?? 'none',
      }),
      ...(options?.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(options?.scheduler
        ? [
            createServiceFactory({
              service: coreServices.scheduler,
              deps: {},
              factory: () => options.scheduler!,
            }),
          ]
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
      ...(options?.features ?? []),
    ],
  });
  return {
    server: backend.server,
    stop: () => backend.stop(),
    /** The Authorization header of a signed-in user. */
    as: (user: string) => mockCredentials.user.header(user),
  };
}
