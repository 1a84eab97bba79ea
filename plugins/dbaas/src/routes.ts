import {
  createRouteRef,
  createSubRouteRef,
} from '@backstage/frontend-plugin-api';

/** The Databases page, `/databases`: the databases of the user's tenants. */
export const rootRouteRef = createRouteRef();

/**
 * The service catalog, `/databases/catalog`: the SKUs on offer. A sub-route,
 * not the page's own route ref, so it gets no second sidebar entry.
 */
export const skuCatalogRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/catalog',
});
