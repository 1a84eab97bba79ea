import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import PeopleIcon from '@material-ui/icons/People';
import { organizationRouteRef, organizationsRouteRef } from '../../routes';
import { organizationPathParam } from './organizationPathParam';

/**
 * Leads to the user's organization (its members, quotas and audit log), or to
 * the list of them when they see several; nothing for someone in none.
 */
export const OrganizationButton = (props: {
  organizations: Organization[] | undefined;
}) => {
  const one = useRouteRef(organizationRouteRef);
  const all = useRouteRef(organizationsRouteRef);
  const organizations = props.organizations ?? [];
  let to: string | undefined;
  if (organizations.length === 1) {
    to = one?.({ organization: organizationPathParam(organizations[0].id) });
  } else if (organizations.length > 1) {
    to = all?.();
  }
  if (!to) return null;
  return (
    <LinkButton
      to={to}
      color="primary"
      variant="outlined"
      startIcon={<PeopleIcon />}
    >
      {organizations.length === 1 ? 'Organization' : 'Organizations'}
    </LinkButton>
  );
};
