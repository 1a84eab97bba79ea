import { describeSku, skuQuerySchema } from './skuQuery';
import { engineBackups } from './backupCapabilities';
import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import { formatZodError } from '../validation/formatZodError';

describe('describeSku', () => {
  it('adds the engine and plan names and the plan SLA', () => {
    const sku = skuCatalog.skus.find(s => s.id === 'scy-ring-9')!;
    expect(describeSku(skuCatalog, sku)).toMatchObject({
      id: 'scy-ring-9',
      engineName: 'ScyllaDB',
      planName: 'Global',
      slaPercent: 99.95,
    });
  });

  it("says what the platform does with the engine's backups, before anyone orders", () => {
    const pg = skuCatalog.skus.find(s => s.engine === 'postgresql')!;
    const dragonfly = skuCatalog.skus.find(s => s.engine === 'dragonfly')!;
    expect(describeSku(skuCatalog, pg).backups).toBe(engineBackups.postgresql);
    expect(describeSku(skuCatalog, dragonfly).backups.final).toEqual({
      available: false,
      reason: expect.stringContaining('no final snapshot can be taken'),
    });
  });

  it('refuses a SKU whose plan the catalog does not offer', () => {
    const sku = skuCatalog.skus[0];
    const catalog = { ...skuCatalog, plans: [] };
    expect(() => describeSku(catalog, sku)).toThrow(
      'SKU "yb-shared" names an engine or plan the service catalog does not offer',
    );
  });
});

describe('skuQuerySchema', () => {
  it('accepts every filter together', () => {
    expect(
      skuQuerySchema.parse({
        engine: 'aerospike',
        plan: 'clustered',
        region: 'frankfurt',
      }),
    ).toEqual({ engine: 'aerospike', plan: 'clustered', region: 'frankfurt' });
  });

  it('names an unknown engine and the engines on offer', () => {
    const result = skuQuerySchema.safeParse({ engine: 'oracle' });
    expect(formatZodError(result.error!)).toMatch(
      /^engine: .*"yugabyte".*"postgresql"/,
    );
  });

  it('rejects a filter it does not know instead of ignoring it', () => {
    const result = skuQuerySchema.safeParse({ engnie: 'vitess' });
    expect(formatZodError(result.error!)).toContain('engnie');
  });
});
