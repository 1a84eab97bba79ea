import { useEntity } from '@backstage/plugin-catalog-react';
import { DBAAS_ANNOTATIONS } from '@internal/backstage-plugin-dbaas-common';

/**
 * The DBaaS API id of the database the current catalog entity stands for, from
 * the annotation the catalog module writes; undefined when the entity lacks it.
 */
export function useDatabaseServiceId(): string | undefined {
  const { entity } = useEntity();
  return entity.metadata.annotations?.[DBAAS_ANNOTATIONS.serviceId];
}
