import {
  Content,
  ContentHeader,
  Progress,
  SupportButton,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useAppSearchParams } from '@backstage/frontend-plugin-api';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { OrganizationAuditLog } from '../OrganizationAuditLog';
import { OrganizationMembers } from '../OrganizationMembers';
import { OrganizationQuotas } from '../OrganizationQuotas';
import {
  useOrganizationPermissions,
  type OrganizationPermissions,
} from './useOrganizationPermissions';

type TabId = 'members' | 'quotas' | 'audit';

const TABS: {
  id: TabId;
  label: string;
  /** Only for those who may: the audit log is owners' and admins'. */
  shown?: (permissions: OrganizationPermissions) => boolean;
}[] = [
  { id: 'members', label: 'Members' },
  { id: 'quotas', label: 'Quotas' },
  { id: 'audit', label: 'Audit log', shown: p => p.readAudit },
];

const Loaded = (props: { organization: Organization }) => {
  const { organization } = props;
  const permissions = useOrganizationPermissions(organization.id);
  // The tab is in the address, so that a link or a reload opens it.
  const [search, setSearch] = useAppSearchParams();
  const tabs = TABS.filter(t => !t.shown || t.shown(permissions));
  const asked = search.get('tab');
  const current = tabs.find(t => t.id === asked) ?? tabs[0];

  let panel;
  if (asked && current.id !== asked && permissions.loading) {
    // A link to the audit log waits for the answer rather than flash Members.
    panel = <Progress aria-label="Loading what you may do" />;
  } else if (current.id === 'members') {
    panel = (
      <OrganizationMembers
        organization={organization}
        permissions={permissions}
      />
    );
  } else if (current.id === 'quotas') {
    panel = (
      <OrganizationQuotas
        organization={organization}
        permissions={permissions}
      />
    );
  } else {
    panel = <OrganizationAuditLog organization={organization} />;
  }

  return (
    <Content>
      <ContentHeader title={organization.title}>
        <SupportButton>
          Who holds which role in the organization, each tenant's quota and what
          it uses, and, for its owners and admins, the audit log. Owners set
          quotas and make owners; owners and admins grant and revoke the other
          roles.
        </SupportButton>
      </ContentHeader>
      <Paper>
        <Tabs
          value={current.id}
          onChange={(_, id: TabId) => setSearch({ tab: id }, { replace: true })}
          indicatorColor="primary"
          textColor="primary"
          aria-label={`${organization.title}: members, quotas and audit log`}
        >
          {tabs.map(t => (
            <Tab
              key={t.id}
              value={t.id}
              label={t.label}
              id={`organization-tab-${t.id}`}
              // Only the shown panel exists: aria-controls must name one.
              aria-controls={
                t.id === current.id ? `organization-panel-${t.id}` : undefined
              }
            />
          ))}
        </Tabs>
      </Paper>
      <Box
        mt={2}
        role="tabpanel"
        id={`organization-panel-${current.id}`}
        aria-labelledby={`organization-tab-${current.id}`}
      >
        {panel}
      </Box>
    </Content>
  );
};

/**
 * An organization's page (`/databases/organizations/{organization}`): its
 * members and their roles, its tenants' quotas with their usage, and its
 * audit log, each offering only what the user may do there.
 */
export const OrganizationView = (props: { organizationId: string }) => {
  const dbaasApi = useApi(dbaasApiRef);
  const { value, error } = useAsync(
    () => dbaasApi.getOrganization(props.organizationId),
    [dbaasApi, props.organizationId],
  );
  if (error) {
    return (
      <Content>
        <WarningPanel
          severity="error"
          title="Could not load the organization"
          message={apiErrorMessage(error)}
          defaultExpanded
        />
      </Content>
    );
  }
  if (!value) return <Progress aria-label="Loading the organization" />;
  return <Loaded organization={value} />;
};
