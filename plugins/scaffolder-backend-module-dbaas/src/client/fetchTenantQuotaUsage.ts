import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { TenantQuotaUsage } from '@internal/backstage-plugin-dbaas-common';
import type { DbaasApiClient } from './DbaasApiClient';

/**
 * A tenant's limits and usage. Quotas are served per organization, so the
 * tenant's organization is looked up first among those the user may see; a
 * tenant in none of them is one the user cannot order databases for.
 */
export async function fetchTenantQuotaUsage(
  client: DbaasApiClient,
  credentials: BackstageCredentials,
  tenant: string,
): Promise<TenantQuotaUsage> {
  const organizations = await client.listOrganizations(credentials);
  const organization = organizations.find(org =>
    org.tenants.some(t => t.id.toLowerCase() === tenant),
  );
  if (!organization) {
    throw new InputError(
      `tenant: ${tenant} is not a team of any organization you belong to`,
    );
  }
  const usages = await client.listQuotas(credentials, organization.id);
  const usage = usages.find(u => u.tenant.toLowerCase() === tenant);
  if (!usage) {
    throw new InputError(
      `tenant: ${organization.id} reports no quota for ${tenant}`,
    );
  }
  return usage;
}
