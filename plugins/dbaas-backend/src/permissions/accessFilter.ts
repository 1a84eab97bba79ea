import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import type { Knex } from 'knex';
import type { AccessQuery } from './resources';

/** Which rows of a table the caller may see: all, or those matching the criteria. */
export type AccessFilter = PermissionCriteria<AccessQuery> | undefined;

/** A condition with the caller's grants looked up: where they may look. */
type Places = { tenants: string[]; organizations: string[] };

/**
 * Looks up the scopes the criteria's principals hold the roles on, so the list
 * query filters on literal values. A subquery in an OR defeats PostgreSQL's
 * indexes (a scan of every row, twice per page); literal lists use the tenant
 * and organization indexes. Mirrors `holdsRole`.
 */
async function resolve(
  db: Knex,
  filter: PermissionCriteria<AccessQuery>,
): Promise<PermissionCriteria<Places>> {
  // The criteria's arrays are never empty, so neither are their resolutions.
  type Some = [PermissionCriteria<Places>, ...PermissionCriteria<Places>[]];
  if (isAndCriteria(filter)) {
    const allOf = await Promise.all(filter.allOf.map(c => resolve(db, c)));
    return { allOf: allOf as Some };
  }
  if (isOrCriteria(filter)) {
    const anyOf = await Promise.all(filter.anyOf.map(c => resolve(db, c)));
    return { anyOf: anyOf as Some };
  }
  if (isNotCriteria(filter)) {
    return { not: await resolve(db, filter.not) };
  }
  const rows: { scope: string }[] = await db('role_grants')
    .distinct('scope')
    .whereIn('principal', filter.principals)
    .whereIn('role', filter.roles);
  const scopes = rows.map(row => row.scope);
  return {
    // Members of a tenant's team are its service admins (see holdsRole).
    tenants: filter.roles.includes('service-admin')
      ? [...scopes, ...filter.principals]
      : scopes,
    organizations: scopes,
  };
}

function where(
  builder: Knex.QueryBuilder,
  criteria: PermissionCriteria<Places>,
  columns: { tenant: string; organization: string },
): void {
  if (isAndCriteria(criteria)) {
    builder.where(inner => {
      for (const c of criteria.allOf) inner.andWhere(b => where(b, c, columns));
    });
  } else if (isOrCriteria(criteria)) {
    builder.where(inner => {
      for (const c of criteria.anyOf) inner.orWhere(b => where(b, c, columns));
    });
  } else if (isNotCriteria(criteria)) {
    builder.whereNot(b => where(b, criteria.not, columns));
  } else {
    builder.where(inner =>
      inner
        .whereIn(columns.tenant, criteria.tenants)
        .orWhereIn(columns.organization, criteria.organizations),
    );
  }
}

/**
 * Adds the permission criteria to a query as a WHERE clause, so a list holds only
 * what the caller may see and pages stay full.
 */
export async function applyAccessFilter(
  db: Knex,
  builder: Knex.QueryBuilder,
  filter: AccessFilter,
  columns = { tenant: 'tenant', organization: 'organization' },
): Promise<void> {
  if (filter) {
    where(builder, await resolve(db, filter), columns);
  }
}
