import {
  dbaasOrganizationReadPermission,
  type Organization,
} from '@internal/backstage-plugin-dbaas-common';
import type { Caller } from '../router/requestContext';
import type { RouteContext } from '../router/routes/RouteContext';

/** Where an organization's permissions are decided: the organization and its tenants. */
export const placeOf = (organization: Organization) => ({
  organization: organization.id,
  tenants: organization.tenants.map(t => t.id),
});

/** The organizations the caller may see, with their tenants (`GET /v1/organizations`). */
export async function visibleOrganizations(
  ctx: RouteContext,
  caller: Caller,
): Promise<Organization[]> {
  const all = await ctx.directory.listOrganizations();
  const visible = await ctx.access.canOnOrganizations(
    dbaasOrganizationReadPermission,
    caller.credentials,
    all.map(placeOf),
  );
  return all.filter((_, i) => visible[i]);
}
