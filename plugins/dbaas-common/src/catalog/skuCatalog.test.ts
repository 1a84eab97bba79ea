import { PLAN_IDS, ENGINE_IDS } from './schema';
import { EXAMPLE_POP_IDS as REGION_IDS } from '../testUtils';
import { exampleSkuCatalog as skuCatalog } from '../testUtils';

describe('skuCatalog', () => {
  it('offers every SKU the seed requirements name, plus PostgreSQL', () => {
    expect(skuCatalog.skus.map(s => s.id)).toEqual(
      expect.arrayContaining([
        'yb-shared',
        'yb-dedicated',
        'yb-clustered',
        'yb-global',
        'vt-shared',
        'vt-sharded',
        'vt-dedicated',
        'scy-ring-3',
        'scy-ring-5',
        'scy-ring-9',
        'dfly-mem-16g',
        'dfly-mem-64g',
        'aero-strong-3',
        'aero-strong-5',
        'mongo-flex-rs',
        'mongo-flex-sharded',
      ]),
    );
    expect(skuCatalog.skus.some(s => s.engine === 'postgresql')).toBe(true);
  });

  it('has each engine, plan and region exactly once, and a SKU for every engine', () => {
    expect(skuCatalog.engines.map(e => e.id)).toEqual([...ENGINE_IDS]);
    expect(skuCatalog.plans.map(p => p.id)).toEqual([...PLAN_IDS]);
    expect(skuCatalog.regions.map(r => r.id)).toEqual([...REGION_IDS]);
    for (const engine of ENGINE_IDS) {
      expect(skuCatalog.skus.some(s => s.engine === engine)).toBe(true);
    }
  });

  it('gives each plan the SLA and scaling mode of the seed requirements', () => {
    const plans = Object.fromEntries(
      skuCatalog.plans.map(p => [p.id, [p.slaPercent, p.scaling]]),
    );
    expect(plans).toEqual({
      shared: [99.0, 'vertical-only'],
      dedicated: [99.5, 'replicas'],
      clustered: [99.9, 'horizontal'],
      global: [99.95, 'multi-region'],
    });
  });

  it('starts every SKU at no less than the platform minimum of 100Gi storage', () => {
    for (const sku of skuCatalog.skus) {
      expect(sku.defaults.storageGiPerNode).toBeGreaterThanOrEqual(100);
    }
  });
});
