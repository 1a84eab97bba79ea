import {
  skuCatalogFor,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import {
  examplePops,
  exampleSkuCatalog,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { specForRestore } from './claimSpecs';

describe('specForRestore', () => {
  const source = {
    id: 'a6c1f5b0-5a43-4a64-9d6f-3a3b8f1e2c11',
    name: 'ledger',
    spec: specFromSku(exampleSkuCatalog, 'pg-ha', 'lagos'),
  };

  it("makes the new database with the source's configuration, its backup named", () => {
    const spec = specForRestore(exampleSkuCatalog, source, {
      backup: '20261130T101500',
    });
    expect(spec.region).toBe('lagos');
    expect(spec.restore).toMatchObject({
      source: 'ledger',
      sourceId: source.id,
      backup: '20261130T101500',
    });
  });

  it('refuses to restore into a PoP that takes no new databases any more, saying which do', () => {
    // The lagos entity is gone from the catalog: its databases keep running,
    // and a restore would be a new database there.
    const withoutLagos = skuCatalogFor(
      examplePops.filter(pop => pop.id !== 'lagos'),
    );
    expect(() =>
      specForRestore(withoutLagos, source, { backup: '20261130T101500' }),
    ).toThrow(
      /^Invalid restore request: backupId: The database would be made in ledger's regions, and lagos takes no new databases of its SKU now \(johannesburg, frankfurt, /,
    );
  });
});
