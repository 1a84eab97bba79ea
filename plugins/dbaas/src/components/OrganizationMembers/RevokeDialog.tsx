import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { useErrorTextClass } from '../../utils/useErrorTextClass';
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
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const errorText = useErrorTextClass();
  const scope = grant.tenant
    ? organization.tenants.find(t => t.id === grant.tenant)?.title ??
      grant.tenant
    : 'the whole organization';

  const revoke = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await dbaasApi.revokeRole(organization.id, grant.principal, {
        tenant: grant.tenant,
      });
      props.onDone();
    } catch (e) {
      setError(apiErrorMessage(e as Error));
      setBusy(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} aria-labelledby="revoke-dialog-title">
      <DialogTitle id="revoke-dialog-title">
        Revoke the role of {grant.principal}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          {grant.principal} is {ROLE_NAMES[grant.role].label} on {scope}. Once
          revoked, they keep only what their catalog teams and other roles allow
          them.
        </Typography>
        {error && (
          <Typography role="alert" className={errorText} variant="body2">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={revoke}
          disabled={busy}
        >
          Revoke
        </Button>
      </DialogActions>
    </Dialog>
  );
};
