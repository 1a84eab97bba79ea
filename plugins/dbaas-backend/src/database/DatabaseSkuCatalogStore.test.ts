import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { withTestPostgres } from '@internal/test-services';
import { DatabaseSkuCatalogStore } from './DatabaseSkuCatalogStore';

jest.setTimeout(60_000);

// PostgreSQL is the production database: the store runs on it as well as on SQLite.
withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'DatabaseSkuCatalogStore on %s',
  id => {
    async function createStore() {
      const knex = await databases.init(id);
      const store = await DatabaseSkuCatalogStore.create({
        database: mockServices.database({ knex }),
        catalog: skuCatalog,
      });
      await store.replaceCatalog(skuCatalog);
      return { store, knex };
    }

    it('lists the whole catalog in catalog order with names and SLAs', async () => {
      const { store } = await createStore();

      const skus = await store.listSkus({});

      expect(skus.map(s => s.id)).toEqual(skuCatalog.skus.map(s => s.id));
      expect(skus.find(s => s.id === 'yb-global')).toMatchObject({
        engineName: 'YugabyteDB',
        planName: 'Global',
        slaPercent: 99.95,
        regions: ['lagos', 'johannesburg', 'frankfurt', 'ashburn', 'singapore'],
      });
    });

    it('filters by engine, plan and region together', async () => {
      const { store } = await createStore();

      expect(
        (
          await store.listSkus({ engine: 'aerospike', region: 'frankfurt' })
        ).map(s => s.id),
      ).toEqual(['aero-strong-3', 'aero-strong-5']);
      expect(
        (await store.listSkus({ plan: 'dedicated', region: 'lagos' })).map(
          s => s.id,
        ),
      ).toEqual([
        'yb-dedicated',
        'vt-dedicated',
        'scy-ring-3',
        'mongo-flex-rs',
        'pg-ha',
      ]);
      expect(
        await store.listSkus({ engine: 'dragonfly', plan: 'global' }),
      ).toEqual([]);
    });

    it('drops SKUs and regions the new catalog no longer offers', async () => {
      const { store, knex } = await createStore();
      const smaller = {
        ...skuCatalog,
        skus: skuCatalog.skus
          .filter(s => s.engine === 'scylla')
          .map(s => ({
            ...s,
            regions: ['frankfurt' as const, 'ashburn' as const],
          })),
      };

      await store.replaceCatalog(smaller);
      await store.replaceCatalog(smaller);

      expect((await store.listSkus({})).map(s => s.id)).toEqual([
        'scy-ring-3',
        'scy-ring-5',
        'scy-ring-9',
      ]);
      expect(await store.listSkus({ region: 'lagos' })).toEqual([]);
      const [{ count }] = await knex('catalog_sku_regions').count({
        count: '*',
      });
      expect(Number(count)).toBe(6);
    });
  },
);
