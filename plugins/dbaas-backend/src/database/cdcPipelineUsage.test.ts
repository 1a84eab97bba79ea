import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  specFromSku,
  type CdcPipeline,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { withTestPostgres } from '@internal/test-services';
import type { Knex } from 'knex';
import {
  DatabaseServiceStore,
  DEFAULT_TENANT_QUOTA,
} from './DatabaseServiceStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const directory = resolvePackagePath(
  '@internal/backstage-plugin-dbaas-backend',
  'migrations',
);

const ORG = 'group:default/dbaas-org';
const PAYMENTS = 'group:default/payments';
const CHECKOUT = 'group:default/checkout';
const base = specFromSku(skuCatalog, 'pg-shared', 'lagos');

const pipeline = (name: string): CdcPipeline => ({
  name,
  tables: [`public.${name.replace(/-/g, '_')}`],
});

/** The SKU's spec with pipelines of the given names. */
const withPipelines = (...names: string[]): ServiceClaimSpec =>
  names.length === 0
    ? base
    : { ...base, cdc: { pipelines: names.map(pipeline) } };

/** Migrates up to and including `last`. */
async function migrateTo(knex: Knex, last: string) {
  for (;;) {
    const [, done]: [number, string[]] = await knex.migrate.up({ directory });
    if (done.length === 0) {
      throw new Error(`No migration named ${last} in ${directory}`);
    }
    if (done[done.length - 1] === last) return;
  }
}

describe.each(databases.eachSupportedId())('CDC pipeline usage on %s', id => {
  async function setup() {
    const knex = await databases.init(id);
    const store = await DatabaseServiceStore.create({
      database: mockServices.database({ knex }),
    });
    const create = (
      tenant: string,
      name: string,
      spec: ServiceClaimSpec,
      drill = false,
    ) =>
      store.createService({
        tenant,
        organization: ORG,
        name,
        spec,
        createdBy: 'user:default/ada',
        ...(drill ? { drill } : {}),
      });
    const pipelinesOf = async (tenant: string) => {
      const usage = await store.getUsage(tenant);
      const [listed] = await store.listQuotaUsage([tenant]);
      // One count, however it is read.
      expect(listed.usage).toEqual(usage);
      return usage.cdcPipelines;
    };
    return { knex, store, create, pipelinesOf };
  }

  it("counts the pipelines of a tenant's live databases, not a removed one's nor a drill's", async () => {
    const { knex, store, create, pipelinesOf } = await setup();
    expect(await pipelinesOf(PAYMENTS)).toBe(0);

    await create(PAYMENTS, 'ledger', withPipelines('orders', 'lines'));
    const billing = await create(PAYMENTS, 'billing', withPipelines('sales'));
    await create(PAYMENTS, 'plain', withPipelines());
    await create(CHECKOUT, 'carts', withPipelines('carts'));
    expect(await pipelinesOf(PAYMENTS)).toBe(3);
    expect(await pipelinesOf(CHECKOUT)).toBe(1);

    // A restore drill's scratch database is the platform's.
    await create(PAYMENTS, 'ledger-d1', withPipelines('scratch'), true);
    expect(await pipelinesOf(PAYMENTS)).toBe(3);

    // Being deleted, a database still counts; once removed, it does not.
    await store.markDeleting(billing.id);
    expect(await pipelinesOf(PAYMENTS)).toBe(3);
    await knex('service_instances')
      .where({ id: billing.id })
      .update({ deleted_at: new Date() });
    expect(await pipelinesOf(PAYMENTS)).toBe(2);

    const usages = await store.listQuotaUsage([CHECKOUT, PAYMENTS, 'none']);
    expect(usages.map(u => u.usage.cdcPipelines)).toEqual([1, 2, 0]);
  });

  it('moves the count with a change that adds or removes a pipeline', async () => {
    const { store, create, pipelinesOf } = await setup();
    const ledger = await create(PAYMENTS, 'ledger', withPipelines('orders'));
    expect(await pipelinesOf(PAYMENTS)).toBe(1);

    const added = await store.updateSpec({
      id: ledger.id,
      generation: ledger.generation,
      spec: withPipelines('orders', 'lines'),
    });
    expect(await pipelinesOf(PAYMENTS)).toBe(2);

    // A change of something else keeps the count.
    const paused = await store.updateSpec({
      id: ledger.id,
      generation: added.generation,
      spec: {
        ...added.spec,
        cdc: {
          pipelines: [
            { ...pipeline('orders'), paused: true },
            pipeline('lines'),
          ],
        },
      },
    });
    expect(await pipelinesOf(PAYMENTS)).toBe(2);

    await store.updateSpec({
      id: ledger.id,
      generation: paused.generation,
      spec: withPipelines(),
    });
    expect(await pipelinesOf(PAYMENTS)).toBe(0);
  });

  it('holds the quota of pipelines to the stored count of the other live databases', async () => {
    const { knex, store, create } = await setup();
    await store.setQuota(PAYMENTS, {
      ...DEFAULT_TENANT_QUOTA,
      cdcPipelines: 3,
    });
    const ledger = await create(PAYMENTS, 'ledger', withPipelines('orders'));
    const billing = await create(PAYMENTS, 'billing', withPipelines('sales'));
    await create(PAYMENTS, 'ledger-d1', withPipelines('a', 'b', 'c'), true);

    await expect(
      create(PAYMENTS, 'stock', withPipelines('stock', 'moves')),
    ).rejects.toThrow(`${PAYMENTS} would use 4 of its 3 CDC pipelines`);
    await expect(
      store.updateSpec({
        id: ledger.id,
        generation: ledger.generation,
        spec: withPipelines('orders', 'lines', 'refunds'),
      }),
    ).rejects.toThrow(`${PAYMENTS} would use 4 of its 3 CDC pipelines`);

    // billing's pipeline no longer counts once billing is removed.
    await knex('service_instances')
      .where({ id: billing.id })
      .update({ deleted_at: new Date() });
    await store.updateSpec({
      id: ledger.id,
      generation: ledger.generation,
      spec: withPipelines('orders', 'lines', 'refunds'),
    });
    expect((await store.getUsage(PAYMENTS)).cdcPipelines).toBe(3);
  });

  it('counts the pipelines of the specs already stored when it lands', async () => {
    const knex = await databases.init(id);
    await migrateTo(knex, '20261203070000_cdc_pipeline_quota.js');
    const row = (
      n: number,
      tenant: string,
      spec: object,
      extra: object = {},
    ) => ({
      id: `00000000-0000-4000-8000-00000000000${n}`,
      tenant,
      organization: ORG,
      name: `db-${n}`,
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
      sku: 'pg-shared',
      status: 'Active',
      spec: JSON.stringify(spec),
      storage_gi: 50,
      cpu: 1,
      memory_gi: 2,
      generation: 1,
      created_by: 'user:default/ada',
      created_at: new Date('2026-12-01T00:00:00Z'),
      updated_at: new Date('2026-12-01T00:00:00Z'),
      deleted_at: null,
      drill: false,
      ...extra,
    });
    await knex('service_instances').insert([
      row(1, PAYMENTS, withPipelines('orders', 'lines')),
      row(2, PAYMENTS, withPipelines('sales')),
      row(3, PAYMENTS, withPipelines()),
      row(4, PAYMENTS, {}),
      row(5, PAYMENTS, withPipelines('gone'), {
        deleted_at: new Date('2026-12-02T00:00:00Z'),
      }),
      row(6, PAYMENTS, withPipelines('scratch'), { drill: true }),
      row(7, CHECKOUT, { cdc: { pipelines: [] } }),
    ]);

    await knex.migrate.latest({ directory });

    const counts = await knex('service_instances')
      .orderBy('id')
      .select('cdc_pipelines');
    expect(counts.map(c => Number(c.cdc_pipelines))).toEqual([
      2, 1, 0, 0, 1, 1, 0,
    ]);
    const store = await DatabaseServiceStore.create({
      database: mockServices.database({ knex }),
    });
    expect((await store.getUsage(PAYMENTS)).cdcPipelines).toBe(3);
    expect((await store.getUsage(CHECKOUT)).cdcPipelines).toBe(0);
  });
});
