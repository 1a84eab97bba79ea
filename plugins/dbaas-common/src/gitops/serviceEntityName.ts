import { parseEntityRef } from '@backstage/catalog-model';
import { fnv1a } from '../entity/fnv1a';

const MAX_NAME_LENGTH = 63;

/**
 * Where a database's Resource entity sits in the catalog: the namespace of the
 * tenant's group (`default` for every tenant today), and the name
 * `{group}.{database}`, e.g. `checkout.orders`.
 *
 * Database names are unique only within a tenant, so the tenant is part of the
 * name. The separator is a dot because a database name, a DNS label, never
 * holds one: splitting at the last dot gives the pair back, so two databases
 * can never share an entity. With a dash, `checkout-eu` + `orders` and
 * `checkout` + `eu-orders` would both be `checkout-eu-orders`.
 *
 * When the pair is longer than an entity name may be, the group's part is cut
 * and a hash of the whole pair keeps it distinct; the database's name, what
 * people look for, stays whole.
 *
 * @public
 */
export function serviceEntityName(
  tenantRef: string,
  databaseName: string,
): { namespace: string; name: string } {
  const tenant = parseEntityRef(tenantRef);
  const group = tenant.name.toLowerCase();
  const name = `${group}.${databaseName}`;
  if (name.length <= MAX_NAME_LENGTH) {
    return { namespace: tenant.namespace, name };
  }
  const hash = fnv1a(`${tenantRef.toLowerCase()}/${databaseName}`);
  const room = MAX_NAME_LENGTH - databaseName.length - hash.length - 2;
  // Group names may hold dashes, dots and underscores; the cut must not end on one.
  const prefix = group.slice(0, room).replace(/[-_.]+$/, '');
  return {
    namespace: tenant.namespace,
    name: `${prefix ? `${prefix}-` : ''}${hash}.${databaseName}`,
  };
}
