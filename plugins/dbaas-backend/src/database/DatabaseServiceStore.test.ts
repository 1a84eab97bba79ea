import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { withTestPostgres } from '@internal/test-services';
import {
  DatabaseServiceStore,
  DEFAULT_TENANT_QUOTA,
} from './DatabaseServiceStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');

describe.each(databases.eachSupportedId())('DatabaseServiceStore on %s', id => {
  async function createStore() {
    const knex = await databases.init(id);
    const store = await DatabaseServiceStore.create({
      database: mockServices.database({ knex }),
    });
    return { store, knex };
  }

  it('never lets 50 parallel creates overrun a quota of 10', async () => {
    const { store, knex } = await createStore();
    const tenant = 'group:default/payments';
    await store.setQuota(tenant, { ...DEFAULT_TENANT_QUOTA, instances: 10 });

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        store.createService({
          tenant,
          organization: 'group:default/dbaas-org',
          name: `db-${i}`,
          spec,
          createdBy: 'user:default/ada',
        }),
      ),
    );

    const created = results.filter(r => r.status === 'fulfilled');
    const refused = results.filter(
      r => r.status === 'rejected',
    ) as PromiseRejectedResult[];
    expect(created).toHaveLength(10);
    expect(new Set(refused.map(r => r.reason.name))).toEqual(
      new Set(['QuotaExceededError']),
    );
    expect(refused[0].reason.message).toBe(
      'group:default/payments would use 11 of its 10 databases',
    );
    const [{ count }] = await knex('service_instances')
      .where({ tenant })
      .count({ count: '*' });
    expect(Number(count)).toBe(10);
    expect(await store.getUsage(tenant)).toMatchObject({ instances: 10 });
  });

  it("lists each tenant's live databases' commitments for their price, without drills", async () => {
    const { store } = await createStore();
    const order = (tenant: string, name: string, drill?: boolean) =>
      store.createService({
        tenant,
        organization: 'group:default/dbaas-org',
        name,
        spec,
        createdBy: 'user:default/ada',
        ...(drill ? { drill } : {}),
      });
    await order('group:default/payments', 'one');
    await order('group:default/payments', 'scratch', true);
    await order('group:default/checkout', 'two');
    await order('group:default/ledger', 'elsewhere');

    const commitments = await store.listCommitments([
      'group:default/payments',
      'group:default/checkout',
    ]);
    // pg-shared: 2 CPU, 4Gi memory, 100Gi storage.
    const footprint = { cpu: 2, memoryGi: 4, storageGi: 100 };
    expect(commitments).toEqual(
      expect.arrayContaining([
        {
          tenant: 'group:default/payments',
          engine: 'postgresql',
          plan: 'shared',
          footprint,
        },
        {
          tenant: 'group:default/checkout',
          engine: 'postgresql',
          plan: 'shared',
          footprint,
        },
      ]),
    );
    expect(commitments).toHaveLength(2);
    expect(await store.listCommitments([])).toEqual([]);
  });

  it('checks storage, CPU and memory as well as the count', async () => {
    const { store } = await createStore();
    const tenant = 'group:default/checkout';
    await store.setQuota(tenant, { ...DEFAULT_TENANT_QUOTA, storageGi: 150 });

    await store.createService({
      tenant,
      organization: 'group:default/dbaas-org',
      name: 'first',
      spec,
      createdBy: 'user:default/kwame',
    });
    await expect(
      store.createService({
        tenant,
        organization: 'group:default/dbaas-org',
        name: 'second',
        spec,
        createdBy: 'user:default/kwame',
      }),
    ).rejects.toThrow(
      'group:default/checkout would use 200 of its 150 GiB of storage',
    );
  });

  it('refuses a second live database of the same name, in parallel too', async () => {
    const { store } = await createStore();
    const tenant = 'group:default/platform';

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () =>
        store.createService({
          tenant,
          organization: 'group:default/dbaas-org',
          name: 'orders',
          spec,
          createdBy: 'user:default/lena',
        }),
      ),
    );

    expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter(
      x => x.status === 'rejected',
    ) as PromiseRejectedResult[]) {
      expect(r.reason.name).toBe('ConflictError');
      expect(r.reason.message).toBe(
        'A database named "orders" already exists in group:default/platform',
      );
    }
  });

  it('records the claim as Pending with its footprint, and gives tenants the default quota', async () => {
    const { store } = await createStore();
    const record = await store.createService({
      tenant: 'group:default/payments',
      organization: 'group:default/dbaas-org',
      name: 'ledger',
      spec,
      createdBy: 'user:default/ada',
    });

    expect(record).toMatchObject({
      name: 'ledger',
      status: 'Pending',
      generation: 1,
      spec,
      footprint: { instances: 1, storageGi: 100, cpu: 2, memoryGi: 4 },
    });
    expect(await store.getQuota('group:default/new-team')).toEqual(
      DEFAULT_TENANT_QUOTA,
    );
  });
});
