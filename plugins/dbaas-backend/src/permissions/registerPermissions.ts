import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { dbaasPlatformReadPermission } from '@internal/backstage-plugin-dbaas-common';
import type { ServiceStore } from '../database/ServiceStore';
import type { TenantDirectory } from '../tenancy/TenantDirectory';
import type { DbaasAccess } from './DbaasAccess';
import {
  dbaasOrganizationResourceRef,
  dbaasServiceResourceRef,
} from './resources';
import { organizationHasRole, serviceHasRole } from './rules';

/**
 * Tells the permission framework about the plugin's permissions, rules and
 * resources (and the platform-wide `dbaas.platform.read`), so policies can use
 * them and other plugins can ask about a database
 * (by id), the databases of a tenant (by the tenant's group ref, e.g. whether a
 * user may create one there) or an organization (by group ref) through the
 * permission backend.
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  permissions: ResourcePermission[],
  access: DbaasAccess,
  services: ServiceStore,
  directory: TenantDirectory,
) {
  registry.addResourceType({
    resourceRef: dbaasServiceResourceRef,
    permissions: permissions.filter(
      p => p.resourceType === dbaasServiceResourceRef.resourceType,
    ),
    rules: [serviceHasRole],
    getResources: async ids =>
      Promise.all(
        ids.map(async id => {
          // A tenant stands for a database about to be created there, placed
          // as POST /v1/services places it; database ids are UUIDs, never refs.
          if (id.startsWith('group:')) {
            const tenant = id.toLowerCase();
            const organization = await directory.organizationOf(tenant);
            return organization
              ? access.resourceAt({ organization, tenants: [tenant] })
              : undefined;
          }
          const record = await services.getService(id).catch(() => undefined);
          return record
            ? access.resourceAt({
                organization: record.organization,
                tenants: [record.tenant],
              })
            : undefined;
        }),
      ),
  });
  registry.addResourceType({
    resourceRef: dbaasOrganizationResourceRef,
    permissions: permissions.filter(
      p => p.resourceType === dbaasOrganizationResourceRef.resourceType,
    ),
    rules: [organizationHasRole],
    getResources: async refs =>
      Promise.all(
        refs.map(async ref => {
          const organization = await directory.getOrganization(ref);
          return organization
            ? access.resourceAt({
                organization: organization.id,
                tenants: organization.tenants.map(t => t.id),
              })
            : undefined;
        }),
      ),
  });
  // On no resource: the platform as a whole.
  registry.addPermissions([dbaasPlatformReadPermission]);
}
