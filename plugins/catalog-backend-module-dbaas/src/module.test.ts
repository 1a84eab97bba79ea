import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import permissionPlugin from '@backstage/plugin-permission-backend';
// The real DBaaS plugin, booted beside the catalog; the module itself only
// talks to it over HTTP and events.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import dbaasPlugin, {
  permissionModuleDbaasPolicy,
} from '@internal/backstage-plugin-dbaas-backend';
import type { Server } from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleDbaasEntityProvider } from './module';

// Creating 20 databases and waiting for each takes tens of seconds.
jest.setTimeout(180_000);

// The repository's own catalog data: tenants, their Systems, the example app.
const CATALOG = path.resolve(__dirname, '../../../catalog/all.yaml');
const TENANTS = ['platform', 'payments', 'checkout'];
const DATABASES = 20;
// Far above the two seconds aimed at; only there to end the test when no
// event arrives (the full run comes every 5 minutes).
const GIVE_UP_MS = 30_000;

// A backend plugin's service token (the scaffolder's, `plugin:scaffolder`):
// allowed everything by the DBaaS policy, as when it creates a database. The
// DBaaS API takes no other kind of service token (docs/security.md).
const asPlugin = (targetPluginId: 'catalog' | 'dbaas') =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service('plugin:scaffolder'),
    targetPluginId,
  });

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

describe('catalogModuleDbaasEntityProvider, with the catalog and the DBaaS API', () => {
  let server: Server;
  let stop: () => Promise<void>;

  const entity = (ref: string) =>
    request(server)
      .get(`/api/catalog/entities/by-name/${ref.replace(/[:]/, '/')}`)
      .set('Authorization', asPlugin('catalog'));

  /** Polls the catalog until the entity can be read; the time it took. */
  async function timeUntilReadable(ref: string, since: number) {
    for (;;) {
      const response = await entity(ref);
      const elapsed = performance.now() - since;
      if (response.status === 200) {
        return elapsed;
      }
      if (elapsed > GIVE_UP_MS) {
        throw new Error(
          `${ref} is not in the catalog ${
            GIVE_UP_MS / 1000
          } s after it was created: ` +
            'does the DBaaS backend publish dbaas.service.changed?',
        );
      }
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }

  beforeAll(async () => {
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleDbaasEntityProvider,
        dbaasPlugin,
        permissionPlugin,
        permissionModuleDbaasPolicy,
        permissionsServiceFactory,
        // One events bus for all plugins, as in a backend process; the test
        // backend's default gives each plugin its own.
        eventsServiceFactory,
        mockServices.rootLogger.factory({
          level: (process.env.DBAAS_TEST_LOG as 'error' | undefined) ?? 'none',
        }),
        mockServices.rootConfig.factory({
          data: {
            // As app-config.yaml has them.
            catalog: {
              rules: [
                {
                  allow: [
                    'Component',
                    'System',
                    'API',
                    'Resource',
                    'Location',
                    'Group',
                    'User',
                    'Domain',
                  ],
                },
              ],
              locations: [{ type: 'file', target: CATALOG }],
            },
            permission: { enabled: true },
            dbaas: {
              permissions: { platformAdmins: ['group:default/platform'] },
            },
            events: { useEventBus: 'never' },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();

    // The DBaaS API takes tenants from the catalog's groups, and the example
    // app must be there for its relation to the database.
    const deadline = Date.now() + 60_000;
    for (const ref of [
      ...TENANTS.map(t => `group:default/${t}`),
      'component:default/checkout-web',
    ]) {
      while ((await entity(ref)).status !== 200) {
        if (Date.now() > deadline) {
          throw new Error(`${ref} never reached the catalog from ${CATALOG}`);
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
  });

  afterAll(() => stop?.());

  it('puts each new database in the catalog soon after it is created', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < DATABASES; i++) {
      // The catalog processes and stitches on 1 s polling loops. Creating each
      // database the moment the last one shows would fall into step with them
      // and measure one point of the cycle; people create them at any moment.
      await new Promise(resolve => setTimeout(resolve, Math.random() * 1000));
      const tenant = TENANTS[i % TENANTS.length];
      // The example app (catalog/examples/checkout-web.yaml) depends on this one.
      const name = i === 2 ? 'orders' : `bench-${String(i).padStart(2, '0')}`;
      const created = await request(server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', asPlugin('dbaas'))
        .send({
          name,
          tenant: `group:default/${tenant}`,
          engine: 'yugabyte',
          plan: 'shared',
          region: 'lagos',
        });
      const since = performance.now();
      expect(created.status).toBe(201);
      latencies.push(
        await timeUntilReadable(`resource:default/${tenant}.${name}`, since),
      );
    }

    const sorted = [...latencies].sort((a, b) => a - b);
    // The figure the issue asks for; it goes in reports, not in an assertion.
    process.stdout.write(
      `Created-to-readable in the catalog, ${DATABASES} databases: ` +
        `p50 ${Math.round(percentile(sorted, 50))} ms, ` +
        `p95 ${Math.round(percentile(sorted, 95))} ms, ` +
        `max ${Math.round(sorted[sorted.length - 1])} ms\n`,
    );
  });

  it('relates the database to its tenant, its System and the app that depends on it', async () => {
    const ref = 'resource:default/checkout.orders';
    // The app's relation is written when the resource is stitched; it may lag.
    let resource: Entity | undefined;
    const deadline = Date.now() + 10_000;
    do {
      resource = (await entity(ref)).body as Entity;
      if (resource.relations?.some(r => r.type === 'dependencyOf')) break;
      await new Promise(r => setTimeout(r, 100));
    } while (Date.now() < deadline);

    expect(resource.spec).toMatchObject({
      type: 'database',
      owner: 'group:default/checkout',
      system: 'system:default/checkout',
    });
    expect(resource.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'ownedBy',
          targetRef: 'group:default/checkout',
        }),
        expect.objectContaining({
          type: 'partOf',
          targetRef: 'system:default/checkout',
        }),
        expect.objectContaining({
          type: 'dependencyOf',
          targetRef: 'component:default/checkout-web',
        }),
      ]),
    );
  });

  it('puts each topic of a CDC pipeline in the catalog as an API its database depends on, until the pipeline goes', async () => {
    const created = await request(server)
      .post('/api/dbaas/v1/services')
      .set('Authorization', asPlugin('dbaas'))
      .send({
        name: 'ledger',
        tenant: 'group:default/payments',
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
    expect(created.status).toBe(201);
    const pipelines = `/api/dbaas/v1/services/${created.body.id}/cdc-pipelines`;
    const added = await request(server)
      .post(pipelines)
      .set('Authorization', asPlugin('dbaas'))
      .send({ name: 'orders', tables: ['public.orders'] });
    expect(added.status).toBe(202);

    const topic = 'dbaas.cdc.postgresql.payments.public.orders';
    const ref = `api:default/${topic}`;
    const database = 'resource:default/payments.ledger';
    // Both relations are written when the entities are stitched; they may lag.
    let api: Entity | undefined;
    let resource: Entity | undefined;
    const deadline = Date.now() + GIVE_UP_MS;
    do {
      const response = await entity(ref);
      api = response.status === 200 ? (response.body as Entity) : undefined;
      resource = (await entity(database)).body as Entity;
      if (
        api?.relations?.some(r => r.type === 'dependencyOf') &&
        resource?.relations?.some(
          r => r.type === 'dependsOn' && r.targetRef === ref,
        )
      ) {
        break;
      }
      await new Promise(r => setTimeout(r, 100));
    } while (Date.now() < deadline);

    expect(api?.metadata.title).toBe(topic);
    expect(api?.spec).toMatchObject({
      type: 'asyncapi',
      owner: 'group:default/payments',
      system: 'system:default/payments',
    });
    expect(
      JSON.parse(api?.spec?.definition as string).channels.changes.address,
    ).toBe(topic);
    expect(api?.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'ownedBy',
          targetRef: 'group:default/payments',
        }),
        expect.objectContaining({ type: 'dependencyOf', targetRef: database }),
      ]),
    );
    // Its topic and its PoP's cluster entity.
    expect([...((resource?.spec?.dependsOn as string[]) ?? [])].sort()).toEqual(
      [
        ref,
        `resource:default/${resource?.metadata.annotations?.['dbaas.io/region']}`,
      ].sort(),
    );
    expect(resource?.relations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'dependsOn', targetRef: ref }),
      ]),
    );

    // The pipeline's removal is a change of its database: the delta of its
    // event takes the topic out (the full run is 5 minutes away).
    const removed = await request(server)
      .delete(`${pipelines}/orders`)
      .set('Authorization', asPlugin('dbaas'));
    expect(removed.status).toBe(202);
    const gone = Date.now() + GIVE_UP_MS;
    while ((await entity(ref)).status !== 404) {
      if (Date.now() > gone) {
        throw new Error(`${ref} is still in the catalog`);
      }
      await new Promise(r => setTimeout(r, 100));
    }
  });

  it('gives the API entity the OpenAPI document the DBaaS backend serves', async () => {
    // The location's entities are processed on the catalog's own loop.
    let api: Entity | undefined;
    const deadline = Date.now() + 30_000;
    do {
      const response = await entity('api:default/dbaas-api');
      api = response.status === 200 ? (response.body as Entity) : undefined;
      if (typeof api?.spec?.definition === 'string') break;
      await new Promise(r => setTimeout(r, 100));
    } while (Date.now() < deadline);

    const served = await request(server)
      .get('/api/dbaas/openapi.json')
      .set('Authorization', asPlugin('dbaas'));
    expect(served.status).toBe(200);
    expect(JSON.parse(api?.spec?.definition as string)).toEqual(served.body);
  });
});
