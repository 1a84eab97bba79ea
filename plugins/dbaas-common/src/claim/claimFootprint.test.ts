import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import { claimFootprint } from './claimFootprint';
import { specFromSku } from './specFromSku';

describe('claimFootprint', () => {
  it('counts storage per data replica and CPU and memory over every role', () => {
    // yb-dedicated: 3 masters of 1 CPU/2Gi, 3 tservers of 4 CPU/16Gi with 250Gi each.
    expect(
      claimFootprint(specFromSku(skuCatalog, 'yb-dedicated', 'lagos')),
    ).toEqual({
      instances: 1,
      storageGi: 750,
      cpu: 15,
      memoryGi: 54,
    });
  });

  it('multiplies per-shard roles by the shard count', () => {
    // vt-sharded: 4 shards x 3 tablets of 4 CPU/16Gi/250Gi, 2 vtgates of 1 CPU/2Gi.
    expect(
      claimFootprint(specFromSku(skuCatalog, 'vt-sharded', 'lagos')),
    ).toEqual({
      instances: 1,
      storageGi: 3000,
      cpu: 50,
      memoryGi: 196,
    });
  });

  it('reads millicores and MiB', () => {
    const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');
    spec.resources.instance = { replicas: 1, cpu: '500m', memory: '512Mi' };
    expect(claimFootprint(spec)).toMatchObject({ cpu: 0.5, memoryGi: 0.5 });
  });
});
