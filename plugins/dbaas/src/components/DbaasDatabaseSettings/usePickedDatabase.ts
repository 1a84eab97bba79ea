import { useApi } from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { DBAAS_ANNOTATIONS } from '@internal/backstage-plugin-dbaas-common';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';

/**
 * The database a day-2 template's entity picker picked (`entityRef`), as the
 * DBaaS API shows it to the user: the entity only names the database's id
 * (its `dbaas.io/service-id` annotation); its settings come from the API,
 * which answers only for a database of the user's teams.
 */
export function usePickedDatabase(entityRef: string | undefined) {
  const catalogApi = useApi(catalogApiRef);
  const dbaasApi = useApi(dbaasApiRef);
  return useAsync(async () => {
    if (!entityRef) return undefined;
    const entity = await catalogApi.getEntityByRef(entityRef);
    const id = entity?.metadata.annotations?.[DBAAS_ANNOTATIONS.serviceId];
    if (!id) {
      throw new Error(`${entityRef} is not a database of the portal`);
    }
    return dbaasApi.getService(id);
  }, [catalogApi, dbaasApi, entityRef]);
}

/** The entity ref in the form field that `databaseField` names (`database` by default). */
export function pickedEntityRef(
  formContext: { formData?: Record<string, unknown> } | undefined,
  databaseField: string | undefined,
): string | undefined {
  const value = formContext?.formData?.[databaseField ?? 'database'];
  return typeof value === 'string' && value ? value : undefined;
}
