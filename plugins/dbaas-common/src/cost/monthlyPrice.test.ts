import { exampleSkuCatalog } from '../testUtils';
import { specFromSku } from '../claim/specFromSku';
import { formatMoney, monthlyPrice, monthlyPriceOfSpec } from './monthlyPrice';
import { priceListSchema, type PriceList } from './priceList';
import { budgetThresholdReached } from './tenantBudgets';

const prices: PriceList = {
  currency: 'USD',
  plans: { shared: 100, dedicated: 1000 },
  engines: { mongodb: { dedicated: 1200 } },
  units: { cpuCore: 15, memoryGi: 4, storageGi: 0.1 },
};

describe('monthlyPrice', () => {
  it('adds the plan base price and the resources at their unit prices', () => {
    expect(
      monthlyPrice(prices, {
        engine: 'postgresql',
        plan: 'dedicated',
        footprint: { cpu: 6, memoryGi: 24, storageGi: 300 },
      }),
    ).toEqual({
      currency: 'USD',
      total: 1216,
      breakdown: { base: 1000, cpu: 90, memory: 96, storage: 30 },
    });
  });

  it("uses an engine's own base price before the plan's", () => {
    const footprint = { cpu: 0, memoryGi: 0, storageGi: 0 };
    expect(
      monthlyPrice(prices, { engine: 'mongodb', plan: 'dedicated', footprint })
        ?.total,
    ).toBe(1200);
    expect(
      monthlyPrice(prices, { engine: 'mongodb', plan: 'shared', footprint })
        ?.total,
    ).toBe(100);
  });

  it('has no price for a plan the list does not price', () => {
    expect(
      monthlyPrice(prices, {
        engine: 'postgresql',
        plan: 'global',
        footprint: { cpu: 1, memoryGi: 1, storageGi: 1 },
      }),
    ).toBeUndefined();
  });

  it('rounds to the cent', () => {
    const price = monthlyPrice(
      { ...prices, units: { cpuCore: 0.333, memoryGi: 0, storageGi: 0.021 } },
      {
        engine: 'postgresql',
        plan: 'shared',
        footprint: { cpu: 0.5, memoryGi: 1, storageGi: 7 },
      },
    );
    expect(price?.breakdown).toEqual({
      base: 100,
      cpu: 0.17,
      memory: 0,
      storage: 0.15,
    });
    expect(price?.total).toBe(100.32);
  });

  it("prices a claim's spec by its footprint", () => {
    // yb-dedicated: 15 CPU, 54Gi memory, 750Gi storage (claimFootprint.test.ts).
    const spec = specFromSku(exampleSkuCatalog, 'yb-dedicated', 'lagos');
    expect(monthlyPriceOfSpec(prices, spec)).toEqual({
      currency: 'USD',
      total: 1000 + 225 + 216 + 75,
      breakdown: { base: 1000, cpu: 225, memory: 216, storage: 75 },
    });
  });
});

describe('priceListSchema', () => {
  it('refuses unknown plans, negative prices and odd currencies', () => {
    const issues = priceListSchema.safeParse({
      currency: 'dollars',
      plans: { shared: -1, premium: 5 },
      units: { cpuCore: 1, memoryGi: 1, storageGi: 1 },
    });
    expect(issues.success).toBe(false);
    const paths = issues.error!.issues.map(i => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['currency', 'plans.shared', 'plans']),
    );
  });
});

describe('budgetThresholdReached', () => {
  it('names the highest share of the budget the cost reached', () => {
    expect(budgetThresholdReached(79.99, 100)).toBe(0);
    expect(budgetThresholdReached(80, 100)).toBe(80);
    expect(budgetThresholdReached(99.99, 100)).toBe(80);
    expect(budgetThresholdReached(100, 100)).toBe(100);
    expect(budgetThresholdReached(5000, 100)).toBe(100);
  });
});

describe('formatMoney', () => {
  it('writes the amount in its currency', () => {
    expect(formatMoney(1216, 'USD')).toBe('$1,216.00');
    expect(formatMoney(95.5, 'EUR')).toBe('€95.50');
  });
});
