import {
  DBAAS_ROLES,
  ORGANIZATION_ONLY_ROLES,
  type DbaasRole,
} from '@internal/backstage-plugin-dbaas-common';

/** Each role as people read it: a name and what it may do (docs/security.md). */
export const ROLE_NAMES: Record<DbaasRole, { label: string; may: string }> = {
  'org-owner': {
    label: 'Org owner',
    may: 'everything in the organization, including quotas and owners',
  },
  'org-admin': {
    label: 'Org admin',
    may: 'databases, backups and members (not owners); reads the audit log',
  },
  'org-member': {
    label: 'Org member',
    may: 'sees databases, backups and metrics',
  },
  'service-admin': {
    label: 'Service admin',
    may: 'creates, changes, scales, deletes, backs up and restores databases',
  },
  'service-viewer': {
    label: 'Service viewer',
    may: 'sees databases, backups and metrics',
  },
};

/**
 * The roles the user may grant on a scope: the organization roles only on the
 * whole organization, and org-owner only by those who manage owners.
 */
export function grantableRoles(
  wholeOrganization: boolean,
  manageOwners: boolean,
): DbaasRole[] {
  return DBAAS_ROLES.filter(
    role =>
      (wholeOrganization || !ORGANIZATION_ONLY_ROLES.includes(role)) &&
      (role !== 'org-owner' || manageOwners),
  );
}
