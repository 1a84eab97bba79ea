import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import StorageIcon from '@material-ui/icons/Storage';
import { dbaasApiRef } from './api/DbaasApi';
import { DbaasClient } from './api/DbaasClient';
import { dbaasSkuPickerFieldExtension } from './dbaasSkuPickerFieldExtension';
import { dbaasEntityExtensions } from './entityExtensions';
import { rootRouteRef } from './routes';

const dbaasApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: dbaasApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new DbaasClient(deps),
    }),
});

const databasesPage = PageBlueprint.make({
  params: {
    path: '/databases',
    routeRef: rootRouteRef,
    title: 'Databases',
    icon: <StorageIcon fontSize="inherit" />,
    loader: () =>
      import('./components/SkuCatalogPage').then(m => <m.SkuCatalogPage />),
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
    dbaasSkuPickerFieldExtension,
    ...dbaasEntityExtensions,
  ],
  routes: {
    root: rootRouteRef,
  },
});
