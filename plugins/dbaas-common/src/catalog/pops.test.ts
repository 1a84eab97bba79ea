import { examplePops, popEntity } from '../testUtils';
import { isPopEntity, popFromEntity } from './pops';
import { skuCatalogFor } from './skuCatalog';

const lagos = examplePops.find(pop => pop.id === 'lagos')!;

describe('popFromEntity', () => {
  it('reads a PoP from its catalog entity', () => {
    expect(popFromEntity(popEntity(lagos))).toEqual(lagos);
  });

  it('stocks standard nodes only unless the entity says otherwise', () => {
    const entity = popEntity(lagos);
    delete (entity.spec.pop as { nodeSizes?: unknown }).nodeSizes;
    expect(popFromEntity(entity).nodeSizes).toEqual(['standard']);
  });

  it('says what is wrong with an entity that is not a valid PoP', () => {
    const named = popEntity(lagos);
    named.metadata.annotations['dbaas.io/pop'] = 'abuja';
    expect(() => popFromEntity(named)).toThrow(
      'PoP lagos: its dbaas.io/pop annotation (abuja) must equal its name',
    );

    const unzoned = popEntity(lagos);
    (unzoned.spec.pop as { zones: string[] }).zones = [];
    expect(() => popFromEntity(unzoned)).toThrow(
      /^PoP lagos: spec\.pop: zones: /,
    );

    const badId = popEntity({ ...lagos, id: 'Lagos_1' });
    expect(() => popFromEntity(badId)).toThrow(/^PoP Lagos_1: id: must be/);
  });

  it('is a PoP only as a kubernetes-cluster Resource with the annotation', () => {
    const entity = popEntity(lagos);
    expect(isPopEntity(entity)).toBe(true);
    expect(isPopEntity({ ...entity, kind: 'Component' })).toBe(false);
    expect(
      isPopEntity({ ...entity, spec: { ...entity.spec, type: 'database' } }),
    ).toBe(false);
    expect(isPopEntity({ ...entity, metadata: { name: 'lagos' } })).toBe(false);
  });
});

describe('skuCatalogFor', () => {
  it('offers a new PoP every SKU its node sizes allow, without a release', () => {
    const nairobi = { ...lagos, id: 'nairobi', displayName: 'Nairobi' };
    const catalog = skuCatalogFor([...examplePops, nairobi]);
    const offered = catalog.skus.filter(sku => sku.regions.includes('nairobi'));
    expect(offered.length).toBeGreaterThan(0);
    // Large-node SKUs only where large nodes are stocked.
    expect(offered.map(sku => sku.id)).not.toContain('dfly-mem-64g');
    expect(catalog.regions.map(region => region.id)).toContain('nairobi');
  });

  it('offers no multi-region SKU where fewer PoPs than its plan needs exist', () => {
    const catalog = skuCatalogFor([lagos]);
    expect(catalog.skus.some(sku => sku.plan === 'global')).toBe(false);
    expect(catalog.skus.every(sku => sku.regions.join() === 'lagos')).toBe(
      true,
    );
    expect(skuCatalogFor([]).skus).toEqual([]);
  });
});
