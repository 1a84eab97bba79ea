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

function whereHoldsRole(
  builder: Knex.QueryBuilder,
  query: AccessQuery,
  columns: { tenant: string; organization: string },
) {
  const grantedScopes = function grantedScopes(this: Knex.QueryBuilder) {
    this.select('scope')
      .from('role_grants')
      .whereIn('principal', query.principals)
      .whereIn('role', query.roles);
  };
  builder.where(inner => {
    inner
      .whereIn(columns.tenant, grantedScopes)
      .orWhereIn(columns.organization, grantedScopes);
    // Members of the tenant's team are its service admins (see holdsRole).
    if (query.roles.includes('service-admin')) {
      inner.orWhereIn(columns.tenant, query.principals);
    }
  });
}

/**
 * Adds the permission criteria to a query as a WHERE clause, so a list holds only
 * what the caller may see and pages stay full. Mirrors `holdsRole`.
 */
export function applyAccessFilter(
  builder: Knex.QueryBuilder,
  filter: AccessFilter,
  columns = { tenant: 'tenant', organization: 'organization' },
): void {
  if (!filter) {
    return;
  }
  if (isAndCriteria(filter)) {
    builder.where(inner => {
      for (const criterion of filter.allOf) {
        inner.andWhere(b => applyAccessFilter(b, criterion, columns));
      }
    });
  } else if (isOrCriteria(filter)) {
    builder.where(inner => {
      for (const criterion of filter.anyOf) {
        inner.orWhere(b => applyAccessFilter(b, criterion, columns));
      }
    });
  } else if (isNotCriteria(filter)) {
    builder.whereNot(b => applyAccessFilter(b, filter.not, columns));
  } else {
    whereHoldsRole(builder, filter, columns);
  }
}
