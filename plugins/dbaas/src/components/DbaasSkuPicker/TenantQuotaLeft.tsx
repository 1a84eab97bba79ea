import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';

/**
 * What a tenant may still order: its limits less what its databases use.
 * Quotas are served per organization, so the tenant's organization is found
 * first among those the user may see.
 */
export const TenantQuotaLeft = (props: { tenant?: string }) => {
  const tenant = props.tenant?.toLowerCase();
  const dbaasApi = useApi(dbaasApiRef);
  const { value, loading, error } = useAsync(async () => {
    if (!tenant) return undefined;
    const organizations = await dbaasApi.listOrganizations();
    const organization = organizations.find(org =>
      org.tenants.some(t => t.id.toLowerCase() === tenant),
    );
    if (!organization) {
      throw new Error(
        `${tenant} is not a team of any organization you belong to`,
      );
    }
    const quotas = await dbaasApi.listQuotas(organization.id);
    return quotas.find(q => q.tenant.toLowerCase() === tenant);
  }, [dbaasApi, tenant]);

  if (!tenant) {
    return (
      <Typography variant="body2" color="textSecondary">
        Choose a tenant to see how much of its quota is left.
      </Typography>
    );
  }
  if (loading) return <Progress />;
  if (error) {
    return (
      <Typography variant="body2" color="error">
        Could not read the quota of {tenant}: {apiErrorMessage(error)}
      </Typography>
    );
  }
  if (!value) {
    return (
      <Typography variant="body2" color="error">
        No quota is set for {tenant}.
      </Typography>
    );
  }
  const { quota, usage } = value;
  const left = (limit: number, used: number) => Math.max(0, limit - used);
  return (
    <Typography variant="body2">
      Quota left for {tenant}: {left(quota.instances, usage.instances)} of{' '}
      {quota.instances} databases, {left(quota.storageGi, usage.storageGi)} of{' '}
      {quota.storageGi} GiB storage, {left(quota.cpu, usage.cpu)} of {quota.cpu}{' '}
      CPU, {left(quota.memoryGi, usage.memoryGi)} of {quota.memoryGi} GiB memory
    </Typography>
  );
};
