import { InputError } from '@backstage/errors';
import type {
  DbaasApi,
  DbaasRequestOptions,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * A tenant's limits and usage. Quotas are served per organization, so the
 * tenant's organization is looked up first among those the user may see; a
 * tenant in none of them is one the user cannot order databases for.
 */
export async function fetchTenantQuotaUsage(
  client: DbaasApi,
  tenant: string,
  options: DbaasRequestOptions,
): Promise<TenantQuotaUsage> {
  const organizations = await client.listOrganizations(options);
  const organization = organizations.find(org =>
    org.tenants.some(t => t.id.toLowerCase() === tenant),
  );
  if (!organization) {
    throw new InputError(
      `tenant: ${tenant} is not a team of any organization you belong to`,
    );
  }
  const usages = await client.listQuotas(organization.id, options);
  const usage = usages.find(u => u.tenant.toLowerCase() === tenant);
  if (!usage) {
    throw new InputError(
      `tenant: ${organization.id} reports no quota for ${tenant}`,
    );
  }
  return usage;
}
