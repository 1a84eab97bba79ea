import { engines } from './engines';
import { plans } from './plans';
import { regions } from './regions';
import { serviceCatalogSchema, type ServiceCatalog } from './schema';
import { skus } from './skus';

/**
 * The service catalog the platform offers. Parsed when the module loads, so a
 * mistake in the data stops every consumer at start instead of reaching a user.
 * @public
 */
export const serviceCatalog: ServiceCatalog = serviceCatalogSchema.parse({
  engines,
  plans,
  regions,
  skus,
});
