import { useRouteRefParams } from '@backstage/frontend-plugin-api';
import { organizationRouteRef } from '../../routes';
import { OrganizationView } from './OrganizationView';

/** The page of the organization its address names (organizationPathParam). */
export const OrganizationPage = () => {
  const { organization } = useRouteRefParams(organizationRouteRef);
  return <OrganizationView organizationId={organization} />;
};
