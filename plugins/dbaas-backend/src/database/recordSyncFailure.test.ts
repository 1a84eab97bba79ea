import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { withTestPostgres } from '@internal/test-services';
import { DatabaseServiceStore } from './DatabaseServiceStore';
import { TimelineStore } from './TimelineStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');
const ORG = 'group:default/acme';
const PAYMENTS = 'group:default/payments';
const CHECKOUT = 'group:default/checkout';

describe.each(databases.eachSupportedId())(
  "Argo CD's sync errors on the timeline, on %s",
  id => {
    async function setup() {
      const knex = await databases.init(id);
      const database = mockServices.database({ knex });
      const store = await DatabaseServiceStore.create({ database });
      const timeline = await TimelineStore.create({ database });
      const create = (tenant: string, name: string) =>
        store.createService({
          tenant,
          organization: ORG,
          name,
          spec,
          createdBy: 'user:default/ada',
        });
      const stepsOf = async (serviceId: string) =>
        (await timeline.list(serviceId)).map(s => ({
          step: s.step,
          cluster: s.cluster,
          detail: s.detail,
        }));
      return { store, create, stepsOf };
    }

    it('records a failure naming a claim on that database only, once per message', async () => {
      const { store, create, stepsOf } = await setup();
      const orders = await create(PAYMENTS, 'orders');
      const ledger = await create(PAYMENTS, 'ledger');
      const failure = {
        tenant: PAYMENTS,
        cluster: 'lagos',
        message: 'spec.plan: Unsupported value',
        claims: ['orders'],
        at: new Date(),
      };

      expect((await store.recordSyncFailure(failure)).map(r => r.name)).toEqual(
        ['orders'],
      );
      expect(await store.recordSyncFailure(failure)).toEqual([]);
      await store.recordSyncFailure({ ...failure, cluster: 'frankfurt' });

      expect(await stepsOf(orders.id)).toEqual([
        {
          step: 'sync-failed',
          cluster: 'lagos',
          detail: 'spec.plan: Unsupported value',
        },
        {
          step: 'sync-failed',
          cluster: 'frankfurt',
          detail: 'spec.plan: Unsupported value',
        },
      ]);
      expect(await stepsOf(ledger.id)).toEqual([]);
    });

    it("records a whole Application's failure on the tenant's databases that PoP has not synced", async () => {
      const { store, create, stepsOf } = await setup();
      const orders = await create(PAYMENTS, 'orders');
      const ledger = await create(PAYMENTS, 'ledger');
      const applied = await create(PAYMENTS, 'applied');
      const other = await create(CHECKOUT, 'orders');
      // Lagos has ledger at its generation already.
      await store.recordClusterReport({
        cluster: 'lagos',
        type: 'ADDED',
        serviceId: ledger.id,
        namespace: 'tenant-payments',
        name: 'ledger',
        portalGeneration: ledger.generation,
        observedAt: new Date(),
      });

      const recorded = await store.recordSyncFailure({
        tenant: PAYMENTS,
        cluster: 'lagos',
        message: 'ComparisonError: connection refused',
        except: ['applied'],
        at: new Date(),
      });

      expect(recorded.map(r => r.name)).toEqual(['orders']);
      expect(await stepsOf(orders.id)).toEqual([
        {
          step: 'sync-failed',
          cluster: 'lagos',
          detail: 'ComparisonError: connection refused',
        },
      ]);
      expect((await stepsOf(ledger.id)).map(s => s.step)).toEqual(['synced']);
      expect(await stepsOf(applied.id)).toEqual([]);
      expect(await stepsOf(other.id)).toEqual([]);
    });
  },
);
