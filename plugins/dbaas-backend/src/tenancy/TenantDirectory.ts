import type { Organization } from '@internal/backstage-plugin-dbaas-common';

/**
 * Organizations and their tenants (projects). They are catalog Groups: an
 * organization is a Group of type `organization`, its tenants the Groups below it.
 */
export interface TenantDirectory {
  /** The organization a tenant belongs to; undefined for an unknown tenant. */
  organizationOf(tenant: string): Promise<string | undefined>;
  getOrganization(ref: string): Promise<Organization | undefined>;
  listOrganizations(): Promise<Organization[]>;
}
