import { serviceEntityName } from '../gitops/serviceEntityName';

/**
 * The portal path of a database's entity page, or of one of its tabs, for the
 * links the backend hands out (notifications, a template's output), which
 * cannot ask the app's routes: the catalog's entity route
 * `/catalog/{namespace}/{kind}/{name}` with the entity the DBaaS catalog
 * module makes. `tab` is a tab's path on that page, as the dbaas plugin's
 * entity extensions mount it.
 * @public
 */
export function databaseEntityPath(
  tenant: string,
  database: string,
  tab?: 'backups' | 'cdc' | 'metrics',
): string {
  const { namespace, name } = serviceEntityName(tenant, database);
  return `/catalog/${namespace}/resource/${name}${tab ? `/${tab}` : ''}`;
}
