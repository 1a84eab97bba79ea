import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { DbaasClient } from '@internal/backstage-plugin-dbaas-common';
import { coalesceReads } from './api/coalesceReads';
import { dbaasApiRef } from './api/DbaasApi';
import { dbaasDay2FieldExtensions } from './dbaasDay2FieldExtensions';
import { dbaasSkuPickerFieldExtension } from './dbaasSkuPickerFieldExtension';
import { dbaasEntityExtensions } from './entityExtensions';
import {
  organizationRouteRef,
  organizationsRouteRef,
  platformRouteRef,
  rootRouteRef,
  skuCatalogRouteRef,
} from './routes';

const dbaasApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dbaasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new DbaasClient({ discoveryApi, fetchApi: coalesceReads(fetchApi) }),
    }),
});

const databasesPage = PageBlueprint.make({
  params: {
    path: '/databases',
    routeRef: rootRouteRef,
    title: 'Databases',
    icon: <StorageIcon fontSize="inherit" />,
    loader: () =>
      import('./components/DatabasesPage').then(m => <m.DatabasesPage />),
  },
});

// A page of its own rather than a sub-page tab: the header's tabs point
// `aria-controls` at panels that are never rendered, which axe counts as a
// critical violation (backstage/backstage#35180). No route ref of its own, so
// no sidebar entry; the Databases page links here through
// skuCatalogRouteRef.
const skuCatalogPage = PageBlueprint.make({
  name: 'service-catalog',
  params: {
    path: '/databases/catalog',
    title: 'Service catalog',
    loader: () =>
      import('./components/SkuCatalogPage').then(m => <m.SkuCatalogPage />),
  },
});

// Pages of their own, as the service catalog's; the Databases page links to
// them (OrganizationButton). The organization's page has a parameter, so no
// sidebar entry either.
const organizationsPage = PageBlueprint.make({
  name: 'organizations',
  params: {
    path: '/databases/organizations',
    title: 'Organizations',
    loader: () =>
      import('./components/OrganizationPage').then(m => (
        <m.OrganizationsPage />
      )),
  },
});

const organizationPage = PageBlueprint.make({
  name: 'organization',
  params: {
    path: '/databases/organizations/:organization',
    routeRef: organizationRouteRef,
    title: 'Organization',
    loader: () =>
      import('./components/OrganizationPage').then(m => <m.OrganizationPage />),
  },
});

// A page of its own, as the organizations' (PlatformButton links here).
const platformPage = PageBlueprint.make({
  name: 'platform',
  params: {
    path: '/databases/platform',
    title: 'Platform',
    loader: () =>
      import('./components/PlatformPage').then(m => <m.PlatformPage />),
  },
});

/**
 * The DBaaS portal's frontend plugin: the Databases page.
 * @public
 */
export const dbaasPlugin = createFrontendPlugin({
  pluginId: 'dbaas',
  title: 'Databases',
  icon: <StorageIcon fontSize="inherit" />,
  info: { packageJson: () => import('../package.json') },
  extensions: [
    dbaasApi,
    databasesPage,
    skuCatalogPage,
    organizationsPage,
    organizationPage,
    platformPage,
    dbaasSkuPickerFieldExtension,
    ...dbaasDay2FieldExtensions,
    ...dbaasEntityExtensions,
  ],
  routes: {
    root: rootRouteRef,
    skuCatalog: skuCatalogRouteRef,
    organizations: organizationsRouteRef,
    organization: organizationRouteRef,
    platform: platformRouteRef,
  },
});
