import { CopyTextButton, InfoCard, Progress } from '@backstage/core-components';
import {
  tenantNamespace,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
  useServiceDetails,
} from '../DatabaseEntity';

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

// MUI gives a cell with a `component` the role `cell`, which would hide from
// assistive technology that the label heads its row.
const Row = (props: { label: string; children: ReactNode }) => (
  <TableRow>
    <TableCell component="th" scope="row" role="rowheader">
      {props.label}
    </TableCell>
    <TableCell>{props.children}</TableCell>
  </TableRow>
);

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
          <Row label="Host">
            <Copyable text={connection.host} what="host" />
          </Row>
          <Row label="Port">
            <Copyable text={String(connection.port)} what="port" />
          </Row>
          {connection.database && (
            <Row label="Database">
              <Copyable text={connection.database} what="database name" />
            </Row>
          )}
          {connection.username && (
            <Row label="Username">
              <Copyable text={connection.username} what="username" />
            </Row>
          )}
          {/* The API never sends the password: only where it is kept. */}
          <Row label="Password">
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
          </Row>
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
                <Row key={endpoint.name} label={endpoint.name}>
                  <Copyable
                    text={endpoint.url}
                    what={`${endpoint.name} endpoint`}
                  />
                </Row>
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
