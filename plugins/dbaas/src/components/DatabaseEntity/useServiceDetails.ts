import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useServiceChanges } from '../../hooks/useServiceChanges';

/**
 * A database's details, loaded again each time the backend announces a change
 * of it, so a phase change shows without reloading the page. While a reload is
 * under way the previous details stay in `value`.
 */
export function useServiceDetails(serviceId: string) {
  const dbaasApi = useApi(dbaasApiRef);
  const changes = useServiceChanges(serviceId);
  return useAsyncRetry(
    () => dbaasApi.getService(serviceId),
    [dbaasApi, serviceId, changes],
  );
}
