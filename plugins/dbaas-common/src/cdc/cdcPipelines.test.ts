import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import type { EngineId } from '../catalog/schema';
import { serviceClaimSpecSchema } from '../claim/serviceClaimSpecSchema';
import { specFromSku } from '../claim/specFromSku';
import { formatZodError } from '../validation/formatZodError';
import type { CdcPipeline } from './cdcPipelineSchema';
import { cdcTableForms, engineCdc } from './cdcCapabilities';
import { cdcDeadLetterTopic, cdcTopic, cdcTopicPrefix } from './cdcTopics';

function problems(sku: string, pipelines: CdcPipeline[]): string {
  const spec = { ...specFromSku(skuCatalog, sku, 'frankfurt') };
  const result = serviceClaimSpecSchema.safeParse({
    ...spec,
    cdc: { pipelines },
  });
  return result.success ? '' : formatZodError(result.error);
}

describe('CDC pipelines in a claim', () => {
  it('accepts PostgreSQL pipelines of schema.table names', () => {
    expect(
      problems('pg-shared', [
        { name: 'orders', tables: ['public.orders', 'public.order_lines'] },
        { name: 'audit', tables: ['billing.invoices'], snapshot: 'never' },
      ]),
    ).toBe('');
  });

  it('names what is wrong with a pipeline', () => {
    expect(
      problems('pg-shared', [
        { name: 'orders', tables: ['orders'] },
        { name: 'orders', tables: ['public.a', 'public.a'] },
        { name: 'more', tables: ['public.a'] },
      ]),
    ).toMatch(
      /orders is not a schema\.table: name each table as its topic does, such as public\.orders[\s\S]*There is already a pipeline named orders[\s\S]*public\.a is listed twice[\s\S]*public\.a is already captured by pipeline orders/,
    );
    expect(
      problems('pg-shared', [{ name: 'Orders', tables: ['public.a-b'] }]),
    ).toMatch(/lowercase DNS label[\s\S]*letters, digits and underscores/);
  });

  it('refuses a pipeline on an engine that offers none, with the reason', () => {
    const vitess = skuCatalog.skus.find(s => s.engine === 'vitess')!;
    const capability = engineCdc.vitess;
    expect(capability.available).toBe(false);
    expect(
      problems(vitess.id, [{ name: 'orders', tables: ['commerce.orders'] }]),
    ).toContain(capability.available ? '' : capability.reason);
  });

  it('has a table form and a capability for every engine', () => {
    const engines = skuCatalog.engines.map(e => e.id as EngineId).sort();
    expect(Object.keys(cdcTableForms).sort()).toEqual(engines);
    expect(Object.keys(engineCdc).sort()).toEqual(engines);
  });
});

describe('CDC topics', () => {
  it('are named as the seed architecture gives them', () => {
    expect(cdcTopic('postgresql', 'acme', 'public.orders')).toBe(
      'dbaas.cdc.postgresql.acme.public.orders',
    );
    expect(cdcTopic('mongodb', 'acme', 'shop.carts')).toBe(
      'dbaas.cdc.mongodb.acme.shop.carts',
    );
    expect(cdcTopic('yugabyte', 'acme', 'orders')).toBe(
      'dbaas.cdc.yugabyte.acme.orders',
    );
  });

  it("keep a pipeline's dead letters under the tenant's prefix, apart from every table", () => {
    const dlq = cdcDeadLetterTopic('postgresql', 'acme', 'ledger', 'orders');
    expect(dlq).toBe('dbaas.cdc.postgresql.acme.dlq-ledger-orders');
    expect(dlq.startsWith(cdcTopicPrefix('postgresql', 'acme'))).toBe(true);
    // No table's topic has a hyphen after the prefix.
    expect(
      problems('pg-shared', [{ name: 'x', tables: ['dlq-ledger'] }]),
    ).not.toBe('');
  });
});
