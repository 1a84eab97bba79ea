import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
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
 * resources, so policies can use them and other plugins can ask about a database
 * (by id) or an organization (by group ref) through the permission backend.
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
}
