import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import {
  catalogProcessingExtensionPoint,
  type EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import permissionBackend from '@backstage/plugin-permission-backend';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { serviceEntityName } from '@internal/backstage-plugin-dbaas-common';
import {
  membershipUserInfoFactory,
  onBehalfOfAuthServiceFactory,
  withTestPostgres,
} from '@internal/test-services';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  GROUPS,
  POP_ENTITIES,
  LEDGER,
  MEMBERSHIPS,
  PAYMENTS,
} from '../__testUtils__/dbaasTestBackend';
import { permissionModuleDbaasPolicy } from '../permissions/permissionModuleDbaasPolicy';
import { READABLE_TENANTS_PATH } from '../permissions/readableTenants';
import { dbaasPlugin } from '../plugin';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** Of tenant payments (organization acme). */
const ADA = 'user:default/ada';
/** Of tenant ledger (organization globex). */
const GINA = 'user:default/gina';
/** A platform admin. */
const ROOT = 'user:default/root';

const as = (user: string) => mockCredentials.user.header(user);
/** The Authorization header of a plugin calling `target` with its own credentials. */
const asPlugin = (subject: string, target: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: target,
  });

/** A database's catalog entity, as catalog-backend-module-dbaas emits it. */
function databaseEntity(service: {
  id: string;
  name: string;
  tenant: string;
}): Entity {
  const location = `dbaas:http://localhost/api/dbaas/v1/services/${service.id}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      ...serviceEntityName(service.tenant, service.name),
      annotations: {
        'backstage.io/managed-by-location': location,
        'backstage.io/managed-by-origin-location': location,
        'dbaas.io/service-id': service.id,
      },
    },
    spec: { type: 'database', owner: service.tenant },
  };
}

const TEMPLATE: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: {
    name: 'hello',
    namespace: 'default',
    annotations: {
      'backstage.io/managed-by-location': 'url:http://localhost/hello',
      'backstage.io/managed-by-origin-location': 'url:http://localhost/hello',
    },
  },
  spec: {
    type: 'service',
    owner: PAYMENTS,
    parameters: [],
    steps: [{ id: 'wait', action: 'debug:wait', input: { seconds: 60 } }],
  },
};

const withLocation = (entity: Entity): Entity => ({
  ...entity,
  metadata: {
    ...entity.metadata,
    annotations: {
      'backstage.io/managed-by-location': 'url:http://localhost/org',
      'backstage.io/managed-by-origin-location': 'url:http://localhost/org',
      ...entity.metadata.annotations,
    },
  },
});

async function waitFor<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('Timed out waiting');
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Waits until the catalog has processed the entity. */
async function waitForEntity(server: Server, ref: string) {
  const { kind, namespace, name } = parseEntityRef(ref);
  await waitFor(async () => {
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/${kind}/${namespace}/${name}`)
      .set('Authorization', asPlugin('plugin:test', 'catalog'));
    return res.status === 200 ? true : undefined;
  });
}

describe.each(databases.eachSupportedId())(
  'other plugins\u2019 permissions against the real catalog and scaffolder, on %s',
  (databaseId: TestDatabaseId) => {
    let server: Server;
    let stop: () => Promise<void>;
    let connection: EntityProviderConnection;
    const ids = { ada: '', gina: '' };
    const entities = {} as Record<'ada' | 'gina', Entity>;

    beforeAll(async () => {
      const knexes = new Map<string, Knex>();
      let resolveConnection: (c: EntityProviderConnection) => void;
      const connected = new Promise<EntityProviderConnection>(resolve => {
        resolveConnection = resolve;
      });
      const provider = createBackendModule({
        pluginId: 'catalog',
        moduleId: 'test-entities',
        register(reg) {
          reg.registerInit({
            deps: { catalog: catalogProcessingExtensionPoint },
            async init({ catalog }) {
              catalog.addEntityProvider({
                getProviderName: () => 'test-entities',
                connect: async c => resolveConnection(c),
              });
            },
          });
        },
      });
      const backend = await startTestBackend({
        features: [
          dbaasPlugin,
          catalogPlugin,
          catalogModuleScaffolderEntityModel,
          provider,
          scaffolderPlugin,
          permissionBackend,
          permissionModuleDbaasPolicy,
          permissionsServiceFactory,
          membershipUserInfoFactory(MEMBERSHIPS),
          onBehalfOfAuthServiceFactory,
          httpAuthServiceFactory,
          // Each plugin its own database, as in production.
          createServiceFactory({
            service: coreServices.database,
            deps: { plugin: coreServices.pluginMetadata },
            async factory({ plugin }) {
              const id = plugin.getId();
              if (!knexes.has(id)) {
                knexes.set(id, await databases.init(databaseId));
              }
              const knex = knexes.get(id)!;
              return { getClient: async () => knex };
            },
          }),
          mockServices.rootLogger.factory({
            level:
              (process.env.DBAAS_TEST_LOG as 'error' | undefined) ?? 'none',
          }),
          mockServices.rootConfig.factory({
            data: {
              permission: { enabled: true },
              dbaas: {
                permissions: { platformAdmins: ['group:default/platform'] },
              },
              catalog: {
                rules: [
                  {
                    allow: [
                      'Component',
                      'Group',
                      'Location',
                      'Resource',
                      'Template',
                      'User',
                    ],
                  },
                ],
              },
            },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();
      connection = await connected;
      await connection.applyMutation({
        type: 'full',
        entities: [
          ...[...GROUPS, ...POP_ENTITIES].map(withLocation),
          TEMPLATE,
        ].map(entity => ({
          entity,
          locationKey: 'test',
        })),
      });
      // The DBaaS API reads the tenants and the PoPs from the catalog.
      await waitForEntity(server, 'group:default/ledger');
      await waitForEntity(server, 'resource:default/lagos');
      for (const [key, user, tenant] of [
        ['ada', ADA, PAYMENTS],
        ['gina', GINA, LEDGER],
      ] as const) {
        const res = await request(server)
          .post('/api/dbaas/v1/services')
          .set('Authorization', as(user))
          .send({
            name: 'orders',
            tenant,
            engine: 'postgresql',
            plan: 'dedicated',
            region: 'lagos',
          });
        if (res.status !== 201) {
          throw new Error(`Could not create ${key}'s database: ${res.text}`);
        }
        ids[key] = res.body.id;
        entities[key] = databaseEntity({
          id: res.body.id,
          name: 'orders',
          tenant,
        });
      }
      await connection.applyMutation({
        type: 'delta',
        added: [entities.ada, entities.gina].map(entity => ({
          entity,
          locationKey: 'test',
        })),
        removed: [],
      });
      for (const entity of [entities.ada, entities.gina, TEMPLATE]) {
        await waitForEntity(server, stringifyEntityRef(entity));
      }
    });

    afterAll(async () => {
      await stop?.();
    });

    const databaseNames = async (user: string) => {
      const res = await request(server)
        .get('/api/catalog/entities?filter=kind=resource,spec.type=database')
        .set('Authorization', as(user));
      expect(res.status).toBe(200);
      return (res.body as Entity[]).map(e => e.metadata.name).sort();
    };

    describe('catalog.entity.read', () => {
      it('lists a user their own tenant\u2019s database and not another tenant\u2019s', async () => {
        expect(await databaseNames(ADA)).toEqual([entities.ada.metadata.name]);
        expect(await databaseNames(GINA)).toEqual([
          entities.gina.metadata.name,
        ]);
      });

      it('answers 404 for another tenant\u2019s database by name and by query', async () => {
        const byName = await request(server)
          .get(
            `/api/catalog/entities/by-name/resource/default/${entities.gina.metadata.name}`,
          )
          .set('Authorization', as(ADA));
        expect(byName.status).toBe(404);
        const byQuery = await request(server)
          .get(
            `/api/catalog/entities/by-query?filter=metadata.annotations.dbaas.io/service-id=${ids.gina}`,
          )
          .set('Authorization', as(ADA));
        expect(byQuery.status).toBe(200);
        expect(byQuery.body.items).toEqual([]);
        const own = await request(server)
          .get(
            `/api/catalog/entities/by-name/resource/default/${entities.ada.metadata.name}`,
          )
          .set('Authorization', as(ADA));
        expect(own.status).toBe(200);
      });

      it('still shows a user every entity that is not a database', async () => {
        const res = await request(server)
          .get('/api/catalog/entities/by-name/group/default/ledger')
          .set('Authorization', as(ADA));
        expect(res.status).toBe(200);
        const template = await request(server)
          .get('/api/catalog/entities/by-name/template/default/hello')
          .set('Authorization', as(GINA));
        expect(template.status).toBe(200);
      });

      it('shows another tenant\u2019s database once the user is granted a role on its organization', async () => {
        const grant = await request(server)
          .post('/api/dbaas/v1/organizations/globex/members')
          .set('Authorization', as(ROOT))
          .send({ principal: ADA, role: 'org-member' });
        expect(grant.status).toBe(201);
        await waitFor(async () =>
          (await databaseNames(ADA)).includes(entities.gina.metadata.name)
            ? true
            : undefined,
        );
      });

      it('shows platform admins and plugins every database', async () => {
        expect(await databaseNames(ROOT)).toEqual(
          [entities.ada.metadata.name, entities.gina.metadata.name].sort(),
        );
        const res = await request(server)
          .get('/api/catalog/entities?filter=kind=resource,spec.type=database')
          .set('Authorization', asPlugin('plugin:catalog', 'catalog'));
        expect(res.body).toHaveLength(2);
      });

      it('answers the readable tenants only to the permission plugin', async () => {
        const body = { principals: [GINA, LEDGER] };
        const asUser = await request(server)
          .post(`/api/dbaas${READABLE_TENANTS_PATH}`)
          .set('Authorization', as(GINA))
          .send(body);
        expect(asUser.status).toBe(403);
        expect(asUser.body).not.toHaveProperty('tenants');
        const asOther = await request(server)
          .post(`/api/dbaas${READABLE_TENANTS_PATH}`)
          .set('Authorization', asPlugin('plugin:scaffolder', 'dbaas'))
          .send(body);
        expect(asOther.status).toBe(403);
        expect(asOther.body.error.message).toBe(
          `${READABLE_TENANTS_PATH} is for the permission plugin only`,
        );
        const asPermission = await request(server)
          .post(`/api/dbaas${READABLE_TENANTS_PATH}`)
          .set('Authorization', asPlugin('plugin:permission', 'dbaas'))
          .send(body);
        expect(asPermission.status).toBe(200);
        expect(asPermission.body).toEqual({ tenants: [LEDGER] });
      });
    });

    describe('kubernetes.proxy', () => {
      const authorize = (user: string) =>
        request(server)
          .post('/api/permission/authorize')
          .set('Authorization', as(user))
          .send({
            items: [{ id: '1', permission: kubernetesProxyPermission }],
          });

      it('refuses the cluster proxy to a tenant member', async () => {
        const res = await authorize(ADA);
        expect(res.status).toBe(200);
        expect(res.body.items[0].result).toBe(AuthorizeResult.DENY);
      });

      it('allows it to a platform admin', async () => {
        const res = await authorize(ROOT);
        expect(res.body.items[0].result).toBe(AuthorizeResult.ALLOW);
      });
    });

    describe('scaffolder tasks', () => {
      let taskId: string;

      beforeAll(async () => {
        const res = await request(server)
          .post('/api/scaffolder/v2/tasks')
          .set('Authorization', as(ADA))
          .send({ templateRef: 'template:default/hello', values: {} });
        if (res.status !== 201) {
          throw new Error(`Could not start ada's task: ${res.text}`);
        }
        taskId = res.body.id;
      });

      // Its owner may cancel it; and a task still running when the backend
      // stops would finish later into a closed database, failing whatever
      // test file this worker runs next.
      afterAll(async () => {
        const cancelled = await request(server)
          .post(`/api/scaffolder/v2/tasks/${taskId}/cancel`)
          .set('Authorization', as(ADA));
        if (cancelled.status !== 200) {
          throw new Error(`ada could not cancel her task: ${cancelled.text}`);
        }
        await waitFor(async () => {
          const task = await request(server)
            .get(`/api/scaffolder/v2/tasks/${taskId}`)
            .set('Authorization', as(ADA));
          return ['cancelled', 'failed', 'completed'].includes(task.body.status)
            ? task.body.status
            : undefined;
        });
      });

      it('does not list a user\u2019s task to another user', async () => {
        const gina = await request(server)
          .get('/api/scaffolder/v2/tasks')
          .set('Authorization', as(GINA));
        expect(gina.status).toBe(200);
        expect(gina.body.tasks.map((t: { id: string }) => t.id)).not.toContain(
          taskId,
        );
        const ada = await request(server)
          .get('/api/scaffolder/v2/tasks')
          .set('Authorization', as(ADA));
        expect(ada.body.tasks.map((t: { id: string }) => t.id)).toContain(
          taskId,
        );
      });

      it('refuses another user reading the task', async () => {
        const res = await request(server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('Authorization', as(GINA));
        expect(res.status).toBe(403);
        const own = await request(server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('Authorization', as(ADA));
        expect(own.status).toBe(200);
      });

      it('refuses another user cancelling the task, which keeps running', async () => {
        const res = await request(server)
          .post(`/api/scaffolder/v2/tasks/${taskId}/cancel`)
          .set('Authorization', as(GINA));
        expect(res.status).toBe(403);
        const task = await request(server)
          .get(`/api/scaffolder/v2/tasks/${taskId}`)
          .set('Authorization', as(ROOT));
        expect(task.status).toBe(200);
        expect(['open', 'processing']).toContain(task.body.status);
      });
    });
  },
);
