import {
  AppRootElementBlueprint,
  createFrontendModule,
} from '@backstage/frontend-plugin-api';
import { FaroInitializer } from './FaroInitializer';

const faroElement = AppRootElementBlueprint.make({
  name: 'faro',
  params: { element: <FaroInitializer /> },
});

/** Frontend observability: Grafana Faro, when configured. */
export const observabilityModule = createFrontendModule({
  pluginId: 'app',
  extensions: [faroElement],
});
