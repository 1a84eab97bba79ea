import { createApiRef } from '@backstage/frontend-plugin-api';
import type { DbaasApi } from '@internal/backstage-plugin-dbaas-common';

export type {
  DbaasApi,
  MetricsRange,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * The DBaaS API in the frontend: the shared `DbaasClient` on the app's
 * discovery and fetch APIs (see plugin.tsx).
 * @public
 */
export const dbaasApiRef = createApiRef<DbaasApi>({ id: 'plugin.dbaas' });
