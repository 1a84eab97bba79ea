import {
  Content,
  ContentHeader,
  Progress,
  ResponseErrorPanel,
  SupportButton,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { SkuTable } from '../SkuTable';

/** The Databases page: what can be ordered, from the backend's service catalog. */
export const SkuCatalogPage = () => {
  const dbaasApi = useApi(dbaasApiRef);
  const { value, loading, error } = useAsyncRetry(
    () => dbaasApi.listSkus(),
    [dbaasApi],
  );

  return (
    <Content>
      <ContentHeader title="Databases you can order">
        <SupportButton>
          Each SKU is an engine on a plan, with the plan's SLA, the regions it
          is stocked in and the size a new database starts at.
        </SupportButton>
      </ContentHeader>
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && <SkuTable skus={value} />}
    </Content>
  );
};
