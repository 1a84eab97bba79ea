import {
  Content,
  ContentHeader,
  Progress,
  SupportButton,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { PlatformPops } from './PlatformPops';
import { PlatformTenants } from './PlatformTenants';
import { TroubledDatabases } from './TroubledDatabases';
import { usePlatformAdmin } from './usePlatformAdmin';

/** The overview's three sections, once the user is known to be a platform admin. */
const PlatformOverviewSections = () => {
  const dbaasApi = useApi(dbaasApiRef);
  const { value, error } = useAsync(
    () => dbaasApi.getPlatformOverview(),
    [dbaasApi],
  );
  const tenantTitle = useMemo(() => {
    const titles = new Map(
      (value?.organizations ?? []).flatMap(org =>
        org.tenants.map(t => [t.id, t.title] as const),
      ),
    );
    return (ref: string) => titles.get(ref) ?? ref;
  }, [value]);

  if (error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load the platform overview"
        message={apiErrorMessage(error)}
        defaultExpanded
      />
    );
  }
  if (!value) return <Progress aria-label="Loading the platform overview" />;
  return (
    <>
      <Box mb={3}>
        <TroubledDatabases
          troubled={value.troubled}
          total={value.troubledTotal}
          stuckAfterMinutes={value.stuckAfterMinutes}
          tenantTitle={tenantTitle}
        />
      </Box>
      <Box mb={3}>
        <PlatformTenants organizations={value.organizations} />
      </Box>
      <PlatformPops pops={value.pops} />
    </>
  );
};

/**
 * The platform screen (`/databases/platform`), for platform admins: every
 * organization's tenants with their usage against quota, the PoPs with the
 * databases they hold, and the failed and stuck databases across tenants.
 * Anyone else is told it is not for them, without asking the API.
 */
export const PlatformPage = () => {
  const admin = usePlatformAdmin();
  return (
    <Content>
      <ContentHeader title="Platform">
        <SupportButton>
          For platform admins: every tenant with its usage against quota, the
          PoPs with the databases they hold, and the databases that failed or
          are stuck.
        </SupportButton>
      </ContentHeader>
      {admin.loading && <Progress aria-label="Checking your permissions" />}
      {!admin.loading && !admin.allowed && (
        <Typography>
          This page is for platform admins: those named in the portal's
          configuration (dbaas.permissions.platformAdmins).
        </Typography>
      )}
      {admin.allowed && <PlatformOverviewSections />}
    </Content>
  );
};
