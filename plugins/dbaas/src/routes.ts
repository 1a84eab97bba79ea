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

/**
 * The organizations the user may see, `/databases/organizations`. A
 * sub-route, as the service catalog's: no sidebar entry; the Databases page
 * links here when the user is in more than one.
 */
export const organizationsRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/organizations',
});

/**
 * The platform screen, `/databases/platform`: every tenant's usage, the PoPs
 * and the failed and stuck databases, for platform admins. A sub-route, so no
 * sidebar entry; the Databases page links here for platform admins.
 */
export const platformRouteRef = createSubRouteRef({
  parent: rootRouteRef,
  path: '/platform',
});

/**
 * One organization's members, quotas and audit log,
 * `/databases/organizations/:organization` (organizationPathParam). Its
 * parameter keeps it out of the sidebar.
 */
export const organizationRouteRef = createRouteRef({
  params: ['organization'],
});
