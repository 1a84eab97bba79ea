import { serviceEntityName } from '@internal/backstage-plugin-dbaas-common';

/**
 * The catalog entity of a database, as the DBaaS entity provider names it, so
 * that a template can link to the database's page before the catalog has even
 * read it.
 */
export function databaseEntityRef(tenant: string, name: string): string {
  const { namespace, name: entityName } = serviceEntityName(tenant, name);
  return `resource:${namespace}/${entityName}`;
}
