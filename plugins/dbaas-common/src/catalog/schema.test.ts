import { skuCatalogSchema, skuSchema } from './schema';
import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import { formatZodError } from '../validation/formatZodError';

function messagesOf(input: unknown): string {
  const result = skuCatalogSchema.safeParse(input);
  if (result.success) {
    throw new Error('expected the catalog to be rejected');
  }
  return formatZodError(result.error);
}

describe('skuCatalogSchema', () => {
  const sku = skuCatalog.skus.find(s => s.id === 'yb-global')!;

  it('rejects a SKU that names an engine the catalog does not offer', () => {
    const catalog = {
      ...skuCatalog,
      engines: skuCatalog.engines.filter(e => e.id !== 'yugabyte'),
    };
    expect(messagesOf(catalog)).toContain(
      'SKU "yb-shared" names engine "yugabyte", which the catalog does not offer',
    );
  });

  it('rejects a global SKU offered in a single region', () => {
    const catalog = {
      ...skuCatalog,
      skus: [{ ...sku, regions: ['lagos'] }],
    };
    expect(messagesOf(catalog)).toBe(
      'skus.0.regions: SKU "yb-global" is on the global plan, which needs at least 2 regions',
    );
  });

  it('rejects duplicate ids', () => {
    const catalog = { ...skuCatalog, skus: [sku, sku] };
    expect(messagesOf(catalog)).toBe('skus: duplicate id "yb-global"');
  });

  it('names the field and the rule of a malformed SKU', () => {
    const result = skuSchema.safeParse({ ...sku, id: 'YB Global' });
    expect(result.success).toBe(false);
    expect(formatZodError(result.error!)).toBe('id: must be a lowercase slug');
  });

  it('rejects a replication factor larger than the node count', () => {
    const result = skuSchema.safeParse({
      ...sku,
      defaults: { ...sku.defaults, replicationFactor: 12 },
    });
    expect(formatZodError(result.error!)).toBe(
      'defaults.replicationFactor: replicationFactor cannot exceed nodes',
    );
  });
});
