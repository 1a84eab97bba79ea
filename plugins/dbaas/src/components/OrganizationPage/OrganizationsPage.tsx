import {
  Content,
  ContentHeader,
  Link,
  Progress,
  Table,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { organizationRouteRef } from '../../routes';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { organizationPathParam } from './organizationPathParam';

/**
 * The organizations the user may see (`/databases/organizations`), each
 * leading to its members, quotas and audit log: for platform admins and
 * people in several organizations.
 */
export const OrganizationsPage = () => {
  const dbaasApi = useApi(dbaasApiRef);
  const organizationLink = useRouteRef(organizationRouteRef);
  const { value, error } = useAsync(
    () => dbaasApi.listOrganizations(),
    [dbaasApi],
  );

  let body;
  if (error) {
    body = (
      <WarningPanel
        severity="error"
        title="Could not load your organizations"
        message={apiErrorMessage(error)}
        defaultExpanded
      />
    );
  } else if (!value) {
    body = <Progress aria-label="Loading your organizations" />;
  } else if (value.length === 0) {
    body = (
      <Typography>
        You are not in any organization yet: an owner of one can grant you a
        role in it.
      </Typography>
    );
  } else {
    body = (
      <Table<Organization>
        title={`Organizations (${value.length})`}
        data={value}
        columns={[
          {
            title: 'Organization',
            render: org =>
              organizationLink ? (
                <Link
                  to={organizationLink({
                    organization: organizationPathParam(org.id),
                  })}
                >
                  {org.title}
                </Link>
              ) : (
                org.title
              ),
          },
          { title: 'Tenants', render: org => org.tenants.length },
        ]}
        options={{
          paging: value.length > 20,
          pageSize: 20,
          search: value.length > 20,
          sorting: false,
          padding: 'dense',
        }}
      />
    );
  }
  return (
    <Content>
      <ContentHeader title="Your organizations" />
      {body}
    </Content>
  );
};
