import {
  createPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { DbaasRole } from './tenancy/roles';

/**
 * Permissions on databases. Their resource is a database; for creation, the database
 * about to be created (its tenant and organization), so a policy decides by tenant.
 * @public
 */
export const DBAAS_SERVICE_RESOURCE_TYPE = 'dbaas-service';

/** Permissions on an organization: its members, quotas and audit log. @public */
export const DBAAS_ORGANIZATION_RESOURCE_TYPE = 'dbaas-organization';

const onService = (
  name: string,
  action: 'read' | 'create' | 'update' | 'delete',
) =>
  createPermission({
    name,
    attributes: { action },
    resourceType: DBAAS_SERVICE_RESOURCE_TYPE,
  });

const onOrganization = (name: string, action: 'read' | 'update') =>
  createPermission({
    name,
    attributes: { action },
    resourceType: DBAAS_ORGANIZATION_RESOURCE_TYPE,
  });

/** See a database, its backups and metrics. @public */
export const dbaasServiceReadPermission = onService(
  'dbaas.service.read',
  'read',
);
/** Request a database in a tenant. @public */
export const dbaasServiceCreatePermission = onService(
  'dbaas.service.create',
  'create',
);
/** Change a database's config or scale it. @public */
export const dbaasServiceUpdatePermission = onService(
  'dbaas.service.update',
  'update',
);
/** Decommission a database. @public */
export const dbaasServiceDeletePermission = onService(
  'dbaas.service.delete',
  'delete',
);
/** Take a backup of a database or restore one. @public */
export const dbaasBackupManagePermission = onService(
  'dbaas.backup.manage',
  'update',
);
/** See an organization, its tenants, members and quotas. @public */
export const dbaasOrganizationReadPermission = onOrganization(
  'dbaas.organization.read',
  'read',
);
/** Grant and revoke roles in an organization. @public */
export const dbaasMembersManagePermission = onOrganization(
  'dbaas.members.manage',
  'update',
);
/** Grant or revoke the org-owner role: owners are made by owners. @public */
export const dbaasOwnersManagePermission = onOrganization(
  'dbaas.owners.manage',
  'update',
);
/** Set the quotas of an organization's tenants. @public */
export const dbaasQuotaManagePermission = onOrganization(
  'dbaas.quota.manage',
  'update',
);
/** Read an organization's audit log. @public */
export const dbaasAuditReadPermission = onOrganization(
  'dbaas.audit.read',
  'read',
);

/**
 * See the whole platform: every organization's tenants with their usage, the
 * PoPs with the databases they hold, failed and stuck databases
 * (`GET /v1/platform/overview`). No role holds it: platform admins only.
 * @public
 */
export const dbaasPlatformReadPermission = createPermission({
  name: 'dbaas.platform.read',
  attributes: { action: 'read' },
});

/** Every DBaaS permission on a resource (a database or an organization). @public */
export const dbaasPermissions: ResourcePermission[] = [
  dbaasServiceReadPermission,
  dbaasServiceCreatePermission,
  dbaasServiceUpdatePermission,
  dbaasServiceDeletePermission,
  dbaasBackupManagePermission,
  dbaasOrganizationReadPermission,
  dbaasMembersManagePermission,
  dbaasOwnersManagePermission,
  dbaasQuotaManagePermission,
  dbaasAuditReadPermission,
];

const ALL: DbaasRole[] = [
  'org-owner',
  'org-admin',
  'org-member',
  'service-admin',
  'service-viewer',
];
const SERVICE_ADMINS: DbaasRole[] = ['org-owner', 'org-admin', 'service-admin'];

/**
 * Which roles hold each permission (docs/security.md, "Roles: what each can do"): members and viewers
 * read, service admins run the database lifecycle, org admins manage people, and
 * only owners change what the organization may spend.
 * @public
 */
export const DBAAS_ROLES_BY_PERMISSION: Record<string, DbaasRole[]> = {
  [dbaasServiceReadPermission.name]: ALL,
  [dbaasServiceCreatePermission.name]: SERVICE_ADMINS,
  [dbaasServiceUpdatePermission.name]: SERVICE_ADMINS,
  [dbaasServiceDeletePermission.name]: SERVICE_ADMINS,
  [dbaasBackupManagePermission.name]: SERVICE_ADMINS,
  [dbaasOrganizationReadPermission.name]: ALL,
  [dbaasMembersManagePermission.name]: ['org-owner', 'org-admin'],
  [dbaasOwnersManagePermission.name]: ['org-owner'],
  [dbaasQuotaManagePermission.name]: ['org-owner'],
  [dbaasAuditReadPermission.name]: ['org-owner', 'org-admin'],
  // No role: platform admins only, whom the policy allows everything.
  [dbaasPlatformReadPermission.name]: [],
};
