import { engines } from './engines';
import { plans } from './plans';
import { regions } from './regions';
import { skuCatalogSchema, type SkuCatalog } from './schema';
import { skus } from './skus';

/**
 * The service catalog the platform offers. Parsed when the module loads, so a
 * mistake in the data stops every consumer at start instead of reaching a user.
 * @public
 */
export const skuCatalog: SkuCatalog = skuCatalogSchema.parse({
  engines,
  plans,
  regions,
  skus,
});
