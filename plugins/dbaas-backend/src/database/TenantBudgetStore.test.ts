import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import { TenantBudgetStore } from './TenantBudgetStore';

jest.setTimeout(60_000);

// PostgreSQL is the production database: the store runs on it as well as on SQLite.
withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const PAYMENTS = 'group:default/payments';
const CHECKOUT = 'group:default/checkout';

describe.each(databases.eachSupportedId())('TenantBudgetStore on %s', id => {
  async function createStore() {
    const knex = await databases.init(id);
    return TenantBudgetStore.create({
      database: mockServices.database({ knex }),
    });
  }

  it('sets, reads and removes budgets, keeping cents', async () => {
    const store = await createStore();
    await store.set({
      tenant: PAYMENTS,
      monthlyBudget: 1234.56,
      updatedBy: 'user:default/olu',
    });
    await store.set({
      tenant: CHECKOUT,
      monthlyBudget: 10,
      updatedBy: 'user:default/olu',
    });
    const both = await store.list([PAYMENTS, CHECKOUT, 'group:default/x']);
    expect([...both.values()]).toEqual(
      expect.arrayContaining([
        { tenant: PAYMENTS, monthlyBudget: 1234.56, thresholdReached: 0 },
        { tenant: CHECKOUT, monthlyBudget: 10, thresholdReached: 0 },
      ]),
    );
    expect(both.size).toBe(2);
    await store.set({
      tenant: PAYMENTS,
      monthlyBudget: null,
      updatedBy: 'user:default/olu',
    });
    expect(await store.get(PAYMENTS)).toEqual({
      tenant: PAYMENTS,
      thresholdReached: 0,
    });
  });

  it('moves a threshold only from where it is, so one crossing is told once', async () => {
    const store = await createStore();
    await store.set({
      tenant: PAYMENTS,
      monthlyBudget: 100,
      updatedBy: 'user:default/olu',
    });
    const told = jest.fn(async () => {});
    const racing = await Promise.all([
      store.moveThreshold(PAYMENTS, 0, 80, told),
      store.moveThreshold(PAYMENTS, 0, 80, told),
    ]);
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(told).toHaveBeenCalledTimes(1);
    // A new budget keeps what was told; the next check decides from there.
    await store.set({
      tenant: PAYMENTS,
      monthlyBudget: 200,
      updatedBy: 'user:default/olu',
    });
    expect((await store.get(PAYMENTS))?.thresholdReached).toBe(80);
    expect(await store.moveThreshold(PAYMENTS, 80, 0)).toBe(true);
    expect((await store.get(PAYMENTS))?.thresholdReached).toBe(0);
  });
});
