import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { dbaasApiRef } from '../../api/DbaasApi';
import { ActionDialog } from '../ActionDialog';
import { ROLE_NAMES } from './roleChoices';

/** Asks before a role is revoked: the principal loses what it allowed at once. */
export const RevokeDialog = (props: {
  organization: Organization;
  grant: RoleGrant;
  onClose: () => void;
  onDone: () => void;
}) => {
  const { organization, grant } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const scope = grant.tenant
    ? organization.tenants.find(t => t.id === grant.tenant)?.title ??
      grant.tenant
    : 'the whole organization';

  const revoke = async () => {
    await dbaasApi.revokeRole(organization.id, grant.principal, {
      tenant: grant.tenant,
    });
    props.onDone();
  };

  return (
    <ActionDialog
      titleId="revoke-dialog-title"
      title={`Revoke the role of ${grant.principal}`}
      actionLabel="Revoke"
      actionColor="secondary"
      onAction={revoke}
      onClose={props.onClose}
    >
      <Typography variant="body2" paragraph>
        {grant.principal} is {ROLE_NAMES[grant.role].label} on {scope}. Once
        revoked, they keep only what their catalog teams and other roles allow
        them.
      </Typography>
    </ActionDialog>
  );
};
