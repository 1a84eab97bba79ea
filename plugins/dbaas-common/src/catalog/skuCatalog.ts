import { engines } from './engines';
import { plans } from './plans';
import type { Pop } from './pops';
import { skuCatalogSchema, type SkuCatalog } from './schema';
import { skuOffers } from './skus';

/**
 * The service catalog over the given PoPs: every SKU offered in the PoPs that
 * stock its node size, and none whose plan needs more regions than it finds
 * there. Engines, plans and SKUs are the platform's and ship with it; the PoPs
 * are data (catalog/pops.ts), so a new PoP offers SKUs without a release.
 * @public
 */
export function skuCatalogFor(pops: readonly Pop[]): SkuCatalog {
  const skus = skuOffers.flatMap(offer => {
    const plan = plans.find(p => p.id === offer.plan)!;
    const regions = pops
      .filter(pop => pop.nodeSizes.includes(offer.nodeSize ?? 'standard'))
      .map(pop => pop.id);
    return regions.length >= plan.minRegions ? [{ ...offer, regions }] : [];
  });
  return skuCatalogSchema.parse({ engines, plans, regions: pops, skus });
}

/**
 * What the platform offers wherever it runs: its engines, plans and SKUs
 * (without their regions, which follow from the PoPs). @public
 */
export const offerings = { engines, plans, skus: skuOffers } as const;

/**
 * An engine's name for people (`postgresql` → `PostgreSQL`); the id itself
 * for one the platform does not offer. @public
 */
export function engineName(id: string): string {
  return engines.find(e => e.id === id)?.displayName ?? id;
}

/** A plan's name for people (`shared` → `Shared`); the id itself for an unknown one. @public */
export function planName(id: string): string {
  return plans.find(p => p.id === id)?.displayName ?? id;
}
