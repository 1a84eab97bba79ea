import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { Timestamp } from '../Timestamp';

const TOKEN_COMMAND =
  'curl -sf -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials "$KEYCLOAK_URL/realms/dbaas/protocol/openid-connect/token" | jq -r .access_token';

/**
 * The scripts and CI jobs that call the DBaaS API for the signed-in user:
 * each registered with a fresh token of its client (proof the user holds its
 * secret), each able to do what the user may, removable at once.
 */
export const ApiClientsDialog = (props: { onClose: () => void }) => {
  const dbaasApi = useApi(dbaasApiRef);
  const clients = useAsyncRetry(() => dbaasApi.listApiClients(), [dbaasApi]);
  const [description, setDescription] = useState('');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      clients.retry();
      return true;
    } catch (e) {
      setError(apiErrorMessage(e as Error));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const register = async () => {
    if (await act(() => dbaasApi.registerApiClient({ token, description }))) {
      setToken('');
      setDescription('');
    }
  };

  let list;
  if (clients.error) {
    list = (
      <WarningPanel
        severity="error"
        title="Could not load your API clients"
        message={apiErrorMessage(clients.error)}
      />
    );
  } else if (clients.loading && !clients.value) {
    list = <Progress />;
  } else if (!clients.value?.data.length) {
    list = (
      <Typography variant="body2" paragraph>
        No API client acts for you.
      </Typography>
    );
  } else {
    list = (
      <Table size="small" aria-label="Your API clients">
        <TableHead>
          <TableRow>
            <TableCell>Client</TableCell>
            <TableCell>Description</TableCell>
            <TableCell>Registered</TableCell>
            <TableCell>Last call</TableCell>
            <TableCell>
              <span className="MuiTypography-srOnly">Actions</span>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {clients.value.data.map(client => (
            <TableRow key={client.subject}>
              <TableCell>
                <code>{client.subject}</code>
              </TableCell>
              <TableCell>{client.description}</TableCell>
              <TableCell>
                <Timestamp at={client.createdAt} />
              </TableCell>
              <TableCell>
                {client.lastUsedAt ? (
                  <Timestamp at={client.lastUsedAt} />
                ) : (
                  'never'
                )}
              </TableCell>
              <TableCell>
                <Button
                  size="small"
                  color="secondary"
                  style={{ whiteSpace: 'nowrap' }}
                  disabled={busy}
                  aria-label={`Remove ${client.description}`}
                  onClick={() =>
                    act(() => dbaasApi.removeApiClient(client.subject))
                  }
                >
                  Remove
                </Button>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="api-clients-title"
      maxWidth="md"
      fullWidth
    >
      <DialogTitle id="api-clients-title">API clients</DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          Scripts and CI jobs call the DBaaS API with tokens of their own
          Keycloak client. One registered here acts for you: it may do what you
          may do, no more, until you remove it.
        </Typography>
        {list}
        <Typography variant="h6" component="h3">
          Register a client
        </Typography>
        <Typography variant="body2">
          Paste a fresh access token of the client: it proves you hold its
          secret. Get one with
        </Typography>
        <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          <code>{TOKEN_COMMAND}</code>
        </pre>
        <TextField
          id="api-client-description"
          label="Description"
          helperText='What the client is, e.g. "payments CI: migrations"'
          value={description}
          onChange={e => setDescription(e.target.value)}
          inputProps={{ maxLength: 200 }}
          fullWidth
          margin="normal"
        />
        <TextField
          id="api-client-token"
          label="Access token of the client"
          helperText="Verified, never stored"
          value={token}
          onChange={e => setToken(e.target.value)}
          multiline
          minRows={3}
          fullWidth
          margin="normal"
        />
        {error && (
          <Typography color="error" role="alert">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy || !token.trim() || !description.trim()}
          onClick={register}
        >
          Register
        </Button>
      </DialogActions>
    </Dialog>
  );
};

/** Opens the signed-in user's API clients. */
export const ApiClientsButton = () => {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button color="primary" variant="outlined" onClick={() => setOpen(true)}>
        API clients
      </Button>
      {open && <ApiClientsDialog onClose={() => setOpen(false)} />}
    </>
  );
};
