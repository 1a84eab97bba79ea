import {
  DBAAS_ROLES,
  type DbaasRole,
} from '@internal/backstage-plugin-dbaas-common';
import { createPermissionRule } from '@backstage/plugin-permission-node';
import { z } from 'zod';
import {
  dbaasOrganizationResourceRef,
  dbaasServiceResourceRef,
  type AccessQuery,
  type AccessResource,
} from './resources';

const paramsSchema = z.object({
  principals: z
    .array(z.string())
    .describe('The user and the groups they belong to (entity refs)'),
  roles: z.array(z.enum(DBAAS_ROLES)).describe('Any of these roles will do'),
});

/**
 * True when one of the principals holds one of the roles on the resource's
 * organization or tenant. Members of a tenant's team (catalog membership) are
 * service admins of that tenant: the team owns its databases.
 */
export function holdsRole(resource: AccessResource, query: AccessQuery) {
  const principals = new Set(query.principals);
  const roles = new Set<DbaasRole>(query.roles);
  const scopes = new Set([resource.organization, ...resource.tenants]);
  if (roles.has('service-admin')) {
    if (resource.tenants.some(tenant => principals.has(tenant))) {
      return true;
    }
  }
  return resource.grants.some(
    grant =>
      scopes.has(grant.scope) &&
      principals.has(grant.principal) &&
      roles.has(grant.role),
  );
}

export const serviceHasRole = createPermissionRule({
  name: 'HAS_ROLE',
  description:
    'Allow when the user or one of their groups holds one of the roles on the database\u2019s tenant or organization',
  resourceRef: dbaasServiceResourceRef,
  paramsSchema,
  apply: holdsRole,
  toQuery: params => params,
});

export const organizationHasRole = createPermissionRule({
  name: 'HAS_ROLE',
  description:
    'Allow when the user or one of their groups holds one of the roles in the organization',
  resourceRef: dbaasOrganizationResourceRef,
  paramsSchema,
  apply: holdsRole,
  toQuery: params => params,
});
