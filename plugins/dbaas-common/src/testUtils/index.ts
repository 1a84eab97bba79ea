/**
 * Test data for the DBaaS packages' tests: never imported by production code,
 * where the PoPs are catalog entities (catalog/pops.yaml for the embedded
 * defaults).
 *
 * @packageDocumentation
 */
import { skuCatalogFor } from '../catalog/skuCatalog';
import { POP_ANNOTATION, POP_ENTITY_TYPE, type Pop } from '../catalog/pops';

const zones = (pop: string) => ['a', 'b', 'c'].map(zone => `${pop}-${zone}`);

/** The PoPs of catalog/pops.yaml, as the portal reads them. @public */
export const examplePops: Pop[] = [
  {
    id: 'lagos',
    displayName: 'Lagos',
    country: 'Nigeria',
    continent: 'Africa',
    zones: zones('lagos'),
    storageClass: 'nvme-local',
    nodeSizes: ['standard'],
  },
  ...(
    [
      ['johannesburg', 'Johannesburg', 'South Africa', 'Africa'],
      ['frankfurt', 'Frankfurt', 'Germany', 'Europe'],
      ['ashburn', 'Ashburn', 'United States', 'North America'],
      ['singapore', 'Singapore', 'Singapore', 'Asia'],
    ] as const
  ).map(([id, displayName, country, continent]) => ({
    id,
    displayName,
    country,
    continent,
    zones: zones(id),
    storageClass: 'nvme-local',
    nodeSizes: ['standard' as const, 'large' as const],
  })),
];

/** The ids of {@link examplePops}. @public */
export const EXAMPLE_POP_IDS = examplePops.map(pop => pop.id);

/** The SKU catalog over {@link examplePops}. @public */
export const exampleSkuCatalog = skuCatalogFor(examplePops);

/**
 * The catalog entity of a PoP, as a platform team writes it (docs/deploy.md),
 * with the Kubernetes annotations given.
 * @public
 */
export function popEntity(
  pop: Pop,
  options: { owner?: string; annotations?: Record<string, string> } = {},
) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: pop.id,
      title: pop.displayName,
      annotations: { [POP_ANNOTATION]: pop.id, ...options.annotations },
    },
    spec: {
      type: POP_ENTITY_TYPE,
      owner: options.owner ?? 'group:default/platform',
      pop: {
        country: pop.country,
        continent: pop.continent,
        ...(pop.location ? { location: pop.location } : {}),
        zones: pop.zones,
        storageClass: pop.storageClass,
        nodeSizes: pop.nodeSizes,
      },
    },
  };
}
