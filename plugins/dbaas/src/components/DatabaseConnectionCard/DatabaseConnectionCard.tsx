import { CopyTextButton, InfoCard, Progress } from '@backstage/core-components';
import {
  tenantNamespace,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import Typography from '@material-ui/core/Typography';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
  useServiceDetails,
} from '../DatabaseEntity';
import { DetailRow } from '../DetailRow';

const useStyles = makeStyles(theme => ({
  value: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    wordBreak: 'break-all',
  },
}));

/** A value with a button that copies it, named after what it copies. */
const Copyable = (props: { text: string; what: string }) => {
  const classes = useStyles();
  return (
    <span className={classes.value}>
      <code>{props.text}</code>
      <CopyTextButton text={props.text} aria-label={`Copy ${props.what}`} />
    </span>
  );
};

const ConnectionDetails = (props: { service: ServiceDetails }) => {
  const { connection, endpoints, tenant } = props.service;
  if (!connection) {
    return (
      <Typography variant="body2">
        Connection details appear once the database is active.
      </Typography>
    );
  }
  const secret = connection.passwordSecretRef;
  return (
    <>
      <Table size="small" aria-label="Connection details">
        <TableBody>
          <DetailRow label="Host">
            <Copyable text={connection.host} what="host" />
          </DetailRow>
          <DetailRow label="Port">
            <Copyable text={String(connection.port)} what="port" />
          </DetailRow>
          {connection.database && (
            <DetailRow label="Database">
              <Copyable text={connection.database} what="database name" />
            </DetailRow>
          )}
          {connection.username && (
            <DetailRow label="Username">
              <Copyable text={connection.username} what="username" />
            </DetailRow>
          )}
          {/* The API never sends the password: only where it is kept. */}
          <DetailRow label="Password">
            {secret ? (
              <>
                <Typography variant="body2">
                  In the Secret below (key <code>{secret.key}</code>, namespace{' '}
                  <code>{tenantNamespace(tenant)}</code>):
                </Typography>
                <Copyable text={secret.name} what="Secret name" />
              </>
            ) : (
              'The operator has not named a Secret for it yet.'
            )}
          </DetailRow>
        </TableBody>
      </Table>
      {endpoints.length > 0 && (
        <>
          <Typography
            variant="subtitle2"
            component="h3"
            style={{ marginTop: 16 }}
          >
            Endpoints
          </Typography>
          <Table size="small" aria-label="Endpoints">
            <TableBody>
              {endpoints.map(endpoint => (
                <DetailRow key={endpoint.name} label={endpoint.name}>
                  <Copyable
                    text={endpoint.url}
                    what={`${endpoint.name} endpoint`}
                  />
                </DetailRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}
    </>
  );
};

const Loaded = (props: { serviceId: string }) => {
  const { value, loading, error } = useServiceDetails(props.serviceId);
  return (
    <>
      {loading && !value && <Progress />}
      {error && (
        <ApiErrorPanel
          title="Could not load the connection details"
          error={error}
        />
      )}
      {value && <ConnectionDetails service={value} />}
    </>
  );
};

/**
 * How to reach a database: host, port, database and user with copy buttons,
 * the Secret that holds the password (never the password), and its endpoints.
 */
export const DatabaseConnectionCard = () => {
  const serviceId = useDatabaseServiceId();
  return (
    <InfoCard title="Connection">
      {serviceId ? <Loaded serviceId={serviceId} /> : <MissingServiceId />}
    </InfoCard>
  );
};
