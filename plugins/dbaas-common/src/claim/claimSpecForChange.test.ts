import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import { claimSpecForChange } from './claimSpecForChange';
import { specFromSku } from './specFromSku';

const current = specFromSku(skuCatalog, 'vt-sharded', 'lagos');
const regions = skuCatalog.skus.find(sku => sku.id === 'vt-sharded')!.regions;

describe('claimSpecForChange', () => {
  it('applies a change a running database can make', () => {
    const result = claimSpecForChange(
      current,
      { storageSize: '500Gi' },
      regions,
    );

    expect(result).toMatchObject({
      ok: true,
      spec: { storage: { size: '500Gi' } },
    });
  });

  it('refuses to shrink storage, reduce shards or downgrade', () => {
    const result = claimSpecForChange(
      current,
      {
        storageSize: '100Gi',
        shards: 2,
        version: '1.0',
      },
      regions,
    );

    expect(result).toMatchObject({ ok: false, subject: 'change' });
    expect(!result.ok && result.issues.map(i => i.path.join('.'))).toEqual([
      'config.storageSize',
      'config.shards',
      'config.version',
    ]);
  });

  it('names the fields of the request the caller made', () => {
    const replicasOf = (specPath: string) =>
      specPath.match(/^resources\.[^.]+\.(replicas)$/)?.[1] ?? specPath;
    const result = claimSpecForChange(
      current,
      { resources: { vttablet: { replicas: 0 } } },
      regions,
      replicasOf,
    );

    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0].path).toEqual(['replicas']);
  });
});
