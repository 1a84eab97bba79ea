import {
  Content,
  ContentHeader,
  Progress,
  SupportButton,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useServiceChanges } from '../../hooks/useServiceChanges';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { ApiClientsButton } from '../ApiClients';
import { OrganizationButton } from '../OrganizationPage/OrganizationButton';
import { PlatformButton } from '../PlatformPage/PlatformButton';
import { TenantQuotaBars } from '../TenantQuotaBars';
import { DatabasesTable } from './DatabasesTable';
import { NewDatabaseButton } from './NewDatabaseButton';
import { RecentlyDeleted } from './RecentlyDeleted';
import { SkuCatalogButton } from './SkuCatalogButton';

/**
 * A burst of changes (a database going Pending → Provisioning → Active, a
 * team ordering several) reloads once: every reload costs a request for the
 * page shown and one per organization, against the API's per-user rate limit.
 */
const LIVE_RELOAD_DEBOUNCE_MS = 500;

const NO_ORGANIZATIONS: Organization[] = [];

/**
 * The Databases home: each tenant's quota usage, the databases of the user's
 * tenants, then those recently deleted, whose backups can still be restored.
 * All follow the backend's change announcements (Signals), so a new phase
 * shows without a reload.
 */
export const DatabasesPage = () => {
  const dbaasApi = useApi(dbaasApiRef);
  const changes = useServiceChanges();
  const [refreshKey, setRefreshKey] = useState(changes);
  useDebounce(() => setRefreshKey(changes), LIVE_RELOAD_DEBOUNCE_MS, [changes]);

  const organizations = useAsync(
    () => dbaasApi.listOrganizations(),
    [dbaasApi],
  );

  let quotas;
  if (organizations.error) {
    quotas = (
      <WarningPanel
        severity="error"
        title="Could not load your organizations"
        message={apiErrorMessage(organizations.error)}
        defaultExpanded
      />
    );
  } else if (organizations.loading || !organizations.value) {
    quotas = <Progress aria-label="Loading your organizations" />;
  } else {
    quotas = (
      <TenantQuotaBars
        organizations={organizations.value}
        refreshKey={refreshKey}
      />
    );
  }

  return (
    <Content>
      <ContentHeader title="Databases of your teams">
        <Box display="flex" style={{ gap: 8 }}>
          <OrganizationButton organizations={organizations.value} />
          <PlatformButton />
          <SkuCatalogButton />
          <ApiClientsButton />
          <NewDatabaseButton />
        </Box>
        <SupportButton>
          The databases of your teams, newest first, with each team's quota.
          Names lead to a database's page in the catalog. Below them, the
          recently deleted ones, whose backups can still be restored.
        </SupportButton>
      </ContentHeader>
      <Box mb={3}>{quotas}</Box>
      <DatabasesTable
        organizations={organizations.value ?? NO_ORGANIZATIONS}
        refreshKey={refreshKey}
      />
      <RecentlyDeleted
        organizations={organizations.value ?? NO_ORGANIZATIONS}
        refreshKey={refreshKey}
      />
    </Content>
  );
};
