import { mockServices } from '@backstage/backend-test-utils';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  DBAAS_SERVICE_CHANGED_TOPIC,
  type ServiceChangedEvent,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { StubDbaasApi } from '@internal/test-services';
import { cdcTopicEntity, cdcTopicsOf } from './cdcTopicEntity';
import { DbaasEntityProvider } from './DbaasEntityProvider';
import { serviceEntity } from './serviceEntity';

const TENANTS = ['platform', 'payments', 'checkout'];

function database(n: number, changes?: Partial<ServiceSummary>) {
  const at = new Date(Date.UTC(2026, 10, 1) + n * 60_000).toISOString();
  const summary: ServiceSummary = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `db-${n}`,
    tenant: `group:default/${TENANTS[n % TENANTS.length]}`,
    organization: 'group:default/dbaas-org',
    engine: 'yugabyte',
    plan: 'shared',
    region: 'lagos',
    status: 'active',
    createdAt: at,
    updatedAt: at,
  };
  return { ...summary, ...changes };
}

/** A PostgreSQL database with CDC pipelines of these tables. */
function streaming(n: number, pipelines: Record<string, string[]>) {
  const tenant = TENANTS[n % TENANTS.length];
  return database(n, {
    engine: 'postgresql',
    cdcPipelines: Object.entries(pipelines).map(([name, tables]) => ({
      name,
      tables,
      topics: tables.map(t => `dbaas.cdc.postgresql.${tenant}.${t}`),
    })),
  });
}

/** What the provider emits for a database: its Resource, then its topics. */
const emitted = (d: ServiceSummary) => {
  const location = `https://portal.example.com/api/dbaas/v1/services/${d.id}`;
  return [
    serviceEntity(d, location),
    ...cdcTopicsOf(d).map(t => cdcTopicEntity(d, t, location)),
  ];
};
const topicRef = (d: ServiceSummary, table: string) =>
  `api:default/dbaas.cdc.postgresql.${d.tenant.split('/')[1]}.${table}`;

const entityName = (d: ServiceSummary) => `${d.tenant.split('/')[1]}.${d.name}`;
const entityRef = (d: ServiceSummary) => `resource:default/${entityName(d)}`;
const names = (entities: { entity: Entity }[]) =>
  entities.map(e => e.entity.metadata.name).sort();

/** Waits for a condition the provider reaches on its own time. */
async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

describe('DbaasEntityProvider', () => {
  let api: StubDbaasApi;
  let mutations: EntityProviderMutation[];
  let events: ReturnType<typeof mockServices.events>;
  let scheduler: ReturnType<typeof mockServices.scheduler>;

  const publish = (change: Omit<ServiceChangedEvent, 'status'>) =>
    events.publish({
      topic: DBAAS_SERVICE_CHANGED_TOPIC,
      eventPayload: { status: 'active', ...change },
    });
  const fullRun = () => scheduler.triggerTask('dbaas:default:refresh');
  const deltas = () =>
    mutations.filter(
      (m): m is Extract<EntityProviderMutation, { type: 'delta' }> =>
        m.type === 'delta',
    );
  const reads = (d: ServiceSummary) =>
    api.requests.filter(r => r.url === `/api/dbaas/v1/services/${d.id}`);

  /** The provider, connected, with the catalog already holding `catalogHolds`. */
  async function connect(catalogHolds: Entity[] = []) {
    events = mockServices.events();
    scheduler = mockServices.scheduler();
    const provider = DbaasEntityProvider.fromConfig(mockServices.rootConfig(), {
      auth: mockServices.auth({ pluginId: 'catalog' }),
      catalog: catalogServiceMock({ entities: catalogHolds }),
      discovery: api.discovery(),
      events,
      logger: mockServices.logger.mock(),
      scheduler,
    });
    // This test's list: a provider of an earlier test may still be finishing
    // a lookup, and must not write into this one's.
    const applied = mutations;
    const connection: EntityProviderConnection = {
      applyMutation: async mutation => {
        applied.push(mutation);
      },
      refresh: async () => {},
    };
    await provider.connect(connection);
    return provider;
  }

  beforeEach(async () => {
    api = await StubDbaasApi.start();
    mutations = [];
  });
  afterEach(() => api.close());

  describe('on its schedule', () => {
    it('replaces the catalog\u2019s databases by every page of the list', async () => {
      const all = Array.from({ length: 250 }, (_, i) => database(i + 1));
      api.add(...all);
      await connect();

      await fullRun();

      expect(mutations).toHaveLength(1);
      const [mutation] = mutations;
      expect(mutation.type).toBe('full');
      const entities = mutation.type === 'full' ? mutation.entities : [];
      expect(names(entities)).toEqual(all.map(entityName).sort());
      expect(entities.every(e => e.locationKey === 'dbaas:default')).toBe(true);
      expect(api.requests.map(r => r.url)).toEqual([
        '/api/dbaas/v1/services?page=1&limit=100',
        '/api/dbaas/v1/services?page=2&limit=100',
        '/api/dbaas/v1/services?page=3&limit=100',
      ]);
      // The catalog reads as itself, and is let see every tenant's databases.
      expect(api.requests.every(r => r.caller === 'plugin:catalog')).toBe(true);
    });

    it('points the entities at where the API serves each database', async () => {
      const orders = database(1);
      api.add(orders);
      await connect();

      await fullRun();

      const mutation = mutations[0];
      expect(mutation.type === 'full' && mutation.entities[0].entity).toEqual(
        serviceEntity(
          orders,
          `https://portal.example.com/api/dbaas/v1/services/${orders.id}`,
        ),
      );
    });

    it('puts the topics of each database\u2019s pipelines in the catalog with it, from the list alone', async () => {
      const ledger = streaming(1, {
        orders: ['public.orders', 'public.order_lines'],
        audit: ['billing.invoices'],
      });
      const plain = database(2);
      api.add(ledger, plain);
      await connect();

      await fullRun();

      const [mutation] = mutations;
      const entities = mutation.type === 'full' ? mutation.entities : [];
      expect(entities.map(e => e.entity)).toEqual([
        ...emitted(plain),
        ...emitted(ledger),
      ]);
      expect(
        entities
          .filter(e => e.entity.kind === 'API')
          .map(e => stringifyEntityRef(e.entity)),
      ).toEqual([
        topicRef(ledger, 'public.orders'),
        topicRef(ledger, 'public.order_lines'),
        topicRef(ledger, 'billing.invoices'),
      ]);
      expect(entities.every(e => e.locationKey === 'dbaas:default')).toBe(true);
      // The list carries the pipelines: no request per database.
      expect(api.requests.map(r => r.url)).toEqual([
        '/api/dbaas/v1/services?page=1&limit=100',
      ]);
    });

    it('takes a pipeline\u2019s topics out of the catalog once the list no longer has it', async () => {
      const before = streaming(1, { orders: ['public.orders'] });
      api.add(before);
      await connect();
      await fullRun();

      api.add(streaming(1, {}));
      await fullRun();

      const second = mutations[1];
      expect(second.type === 'full' && names(second.entities)).toEqual([
        entityName(before),
      ]);
    });

    it('keeps databases being deleted, as Deleting, until they are gone', async () => {
      const going = database(2, { status: 'deleting' });
      api.add(database(1), going);
      await connect();

      await fullRun();

      const first = mutations[0];
      const entities = first.type === 'full' ? first.entities : [];
      expect(names(entities)).toEqual(
        [entityName(database(1)), entityName(going)].sort(),
      );
      const kept = entities.find(
        e => e.entity.metadata.name === entityName(going),
      );
      expect(kept?.entity.metadata.annotations?.['dbaas.io/phase']).toBe(
        'Deleting',
      );

      api.databases.delete(going.id);
      await fullRun();

      const second = mutations[1];
      expect(second.type === 'full' && names(second.entities)).toEqual([
        entityName(database(1)),
      ]);
    });

    it('removes nothing when databases keep disappearing while it lists them', async () => {
      const all = Array.from({ length: 150 }, (_, i) => database(i + 1));
      api.add(...all);
      // Before each page the newest database goes: every page is shifted.
      api.beforePage = () => {
        const newest = [...api.databases.keys()].pop()!;
        api.databases.delete(newest);
      };
      await connect();

      await fullRun();

      expect(mutations.map(m => m.type)).toEqual(['delta']);
      expect(deltas()[0].removed).toEqual([]);
      expect(deltas()[0].added.length).toBeGreaterThan(0);
    });

    it('re-applies a database created while the list was read, which the list misses', async () => {
      const old = database(1);
      const created = database(2);
      api.add(old);
      // The list reflects the moment it was read: before `created` existed.
      api.listing = () => [old];
      let releasePage!: () => void;
      const pageHeld = new Promise<void>(resolve => {
        releasePage = resolve;
      });
      api.beforePage = () => pageHeld;
      await connect();

      const run = fullRun();
      await until(() => api.requests.length === 1, 'the first page');
      api.add(created);
      await publish({
        id: created.id,
        tenant: created.tenant,
        action: 'created',
      });
      await until(() => mutations.length === 1, 'the event\u2019s delta');
      releasePage();
      await run;
      await until(() => mutations.length === 3, 'the re-applied change');

      expect(mutations.map(m => m.type)).toEqual(['delta', 'full', 'delta']);
      expect(names(deltas()[1].added)).toEqual([entityName(created)]);
    });
  });

  describe('on a change event', () => {
    it('adds a created database without waiting for the schedule', async () => {
      const orders = database(7);
      api.add(orders);
      await connect();

      await publish({
        id: orders.id,
        tenant: orders.tenant,
        action: 'created',
      });
      await until(() => mutations.length > 0, 'a mutation');

      expect(deltas()).toHaveLength(1);
      expect(names(deltas()[0].added)).toEqual([entityName(orders)]);
      expect(deltas()[0].removed).toEqual([]);
      expect(reads(orders)).toHaveLength(1);
      expect(reads(orders)[0].caller).toBe('plugin:catalog');
    });

    it('shows a changed status as the entity\u2019s phase', async () => {
      const orders = database(7, { status: 'provisioning' });
      api.add(orders);
      await connect();

      await publish({ id: orders.id, tenant: orders.tenant, action: 'status' });
      await until(() => mutations.length > 0, 'a mutation');

      const [added] = deltas()[0].added;
      expect(added.entity.metadata.annotations?.['dbaas.io/phase']).toBe(
        'Provisioning',
      );
    });

    it('reads a database once for a burst of its events, and applies its last state', async () => {
      const orders = database(7);
      api.add(orders);
      await connect();

      for (const status of ['pending', 'provisioning', 'active'] as const) {
        api.add({ ...orders, status });
        for (let i = 0; i < 5; i++) {
          await publish({
            id: orders.id,
            tenant: orders.tenant,
            action: 'status',
          });
        }
      }
      const lastPhase = () =>
        deltas().at(-1)?.added[0]?.entity.metadata.annotations?.[
          'dbaas.io/phase'
        ];
      await until(() => lastPhase() === 'Active', 'the last state');

      // The first event is read at once; the 14 after it wait for that read
      // and are read together.
      expect(reads(orders).length).toBeLessThanOrEqual(2);
    });

    it('removes a deleted database, found in the catalog by its id', async () => {
      const orders = database(7);
      const other = database(8);
      await connect([
        serviceEntity(orders, 'https://portal.example.com/x'),
        serviceEntity(other, 'https://portal.example.com/y'),
      ]);

      await publish({
        id: orders.id,
        tenant: orders.tenant,
        action: 'deleted',
      });
      await until(() => mutations.length > 0, 'a mutation');

      expect(deltas()[0]).toEqual({
        type: 'delta',
        added: [],
        removed: [
          { entityRef: entityRef(orders), locationKey: 'dbaas:default' },
        ],
      });
      // Asked once: the API no longer has it.
      expect(reads(orders)).toHaveLength(1);
    });

    it('keeps a database whose deletion is accepted, as Deleting, until it is gone', async () => {
      const orders = database(7, { status: 'deleting' });
      api.add(orders);
      await connect([
        serviceEntity(
          database(7),
          `https://portal.example.com/api/dbaas/v1/services/${orders.id}`,
        ),
      ]);

      // The delete request's announcement: the database is still there.
      await publish({
        id: orders.id,
        tenant: orders.tenant,
        action: 'deleted',
      });
      await until(() => mutations.length > 0, 'the accepted deletion');

      expect(deltas()[0].removed).toEqual([]);
      expect(names(deltas()[0].added)).toEqual([entityName(orders)]);
      expect(
        deltas()[0].added[0].entity.metadata.annotations?.['dbaas.io/phase'],
      ).toBe('Deleting');

      // The end of the database (its removal confirmed): the API has it no more.
      api.databases.delete(orders.id);
      await publish({
        id: orders.id,
        tenant: orders.tenant,
        action: 'deleted',
      });
      await until(() => mutations.length > 1, 'the end of the database');

      expect(deltas()[1]).toEqual({
        type: 'delta',
        added: [],
        removed: [
          { entityRef: entityRef(orders), locationKey: 'dbaas:default' },
        ],
      });
    });

    it('adds the topics of a pipeline added to a database', async () => {
      const ledger = streaming(7, { orders: ['public.orders'] });
      api.add(ledger);
      await connect(emitted(streaming(7, {})));

      await publish({
        id: ledger.id,
        tenant: ledger.tenant,
        action: 'updated',
      });
      await until(() => mutations.length > 0, 'a mutation');

      expect(deltas()[0]).toEqual({
        type: 'delta',
        added: emitted(ledger).map(entity => ({
          entity,
          locationKey: 'dbaas:default',
        })),
        removed: [],
      });
      // Its summary carries its pipelines: one read, as for any database.
      expect(reads(ledger)).toHaveLength(1);
    });

    it('removes the topics of a pipeline a database lost, and keeps the others', async () => {
      const before = streaming(7, {
        orders: ['public.orders', 'public.order_lines'],
        audit: ['billing.invoices'],
      });
      const after = streaming(7, { audit: ['billing.invoices'] });
      api.add(after);
      await connect([...emitted(before), ...emitted(streaming(8, {}))]);

      await publish({ id: after.id, tenant: after.tenant, action: 'updated' });
      await until(() => mutations.length > 0, 'a mutation');

      const [delta] = deltas();
      expect(delta.added.map(e => stringifyEntityRef(e.entity))).toEqual([
        entityRef(after),
        topicRef(after, 'billing.invoices'),
      ]);
      expect(delta.added[0].entity.spec?.dependsOn).toEqual([
        `resource:default/${after.region}`,
        topicRef(after, 'billing.invoices'),
      ]);
      expect(delta.removed).toEqual(
        ['public.orders', 'public.order_lines'].map(table => ({
          entityRef: topicRef(before, table),
          locationKey: 'dbaas:default',
        })),
      );
    });

    it('removes a deleted database\u2019s topics with it', async () => {
      const ledger = streaming(7, { orders: ['public.orders'] });
      await connect([...emitted(ledger), ...emitted(streaming(8, {}))]);

      await publish({
        id: ledger.id,
        tenant: ledger.tenant,
        action: 'deleted',
      });
      await until(() => mutations.length > 0, 'a mutation');

      expect(deltas()[0].removed).toEqual(
        [entityRef(ledger), topicRef(ledger, 'public.orders')].map(ref => ({
          entityRef: ref,
          locationKey: 'dbaas:default',
        })),
      );
    });

    it('removes a database the API no longer knows, whatever the event says', async () => {
      const orders = database(7);
      await connect([serviceEntity(orders, 'https://portal.example.com/x')]);

      await publish({
        id: orders.id,
        tenant: orders.tenant,
        action: 'updated',
      });
      await until(() => mutations.length > 0, 'a mutation');

      expect(deltas()[0].removed).toEqual([
        { entityRef: entityRef(orders), locationKey: 'dbaas:default' },
      ]);
    });

    it('tries again when the API fails to answer', async () => {
      const orders = database(7);
      api.add(orders);
      api.failures.set(orders.id, 1);
      await connect();

      await publish({
        id: orders.id,
        tenant: orders.tenant,
        action: 'created',
      });
      await until(() => mutations.length > 0, 'the retried read');

      expect(reads(orders)).toHaveLength(2);
      expect(names(deltas()[0].added)).toEqual([entityName(orders)]);
    });

    it('ignores events that name no database', async () => {
      await connect();

      await events.publish({
        topic: DBAAS_SERVICE_CHANGED_TOPIC,
        eventPayload: { action: 'created' },
      });
      await new Promise(resolve => setTimeout(resolve, 50));

      expect(api.requests).toEqual([]);
      expect(mutations).toEqual([]);
    });
  });
});
