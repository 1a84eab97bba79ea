import { usePermission } from '@backstage/plugin-permission-react';
import {
  dbaasAuditReadPermission,
  dbaasMembersManagePermission,
  dbaasOwnersManagePermission,
  dbaasQuotaManagePermission,
} from '@internal/backstage-plugin-dbaas-common';

/** What the user may do in an organization; nothing while it is being asked. */
export type OrganizationPermissions = {
  /** Grant, change and revoke roles other than org-owner. */
  manageMembers: boolean;
  /** Grant org-owner, and change or revoke an owner's role. */
  manageOwners: boolean;
  /** Set the tenants' quotas. */
  manageQuotas: boolean;
  /** Read the audit log. */
  readAudit: boolean;
  /** Still asking the permission backend. */
  loading: boolean;
};

/**
 * Asks the permission framework what the user may do in the organization, so
 * that the page offers only that; the API decides again on each request. The
 * four questions go out in one batch.
 */
export function useOrganizationPermissions(
  organizationRef: string,
): OrganizationPermissions {
  const resourceRef = organizationRef;
  const members = usePermission({
    permission: dbaasMembersManagePermission,
    resourceRef,
  });
  const owners = usePermission({
    permission: dbaasOwnersManagePermission,
    resourceRef,
  });
  const quotas = usePermission({
    permission: dbaasQuotaManagePermission,
    resourceRef,
  });
  const audit = usePermission({
    permission: dbaasAuditReadPermission,
    resourceRef,
  });
  return {
    manageMembers: members.allowed,
    manageOwners: owners.allowed,
    manageQuotas: quotas.allowed,
    readAudit: audit.allowed,
    loading:
      members.loading || owners.loading || quotas.loading || audit.loading,
  };
}
