import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import DashboardIcon from '@material-ui/icons/Dashboard';
import { platformRouteRef } from '../../routes';
import { usePlatformAdmin } from './usePlatformAdmin';

/** Leads platform admins to the platform screen; nothing for anyone else. */
export const PlatformButton = () => {
  const platform = useRouteRef(platformRouteRef);
  const { allowed } = usePlatformAdmin();
  if (!platform || !allowed) return null;
  return (
    <LinkButton
      to={platform()}
      color="primary"
      variant="outlined"
      startIcon={<DashboardIcon />}
    >
      Platform
    </LinkButton>
  );
};
