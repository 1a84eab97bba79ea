import { Table, type TableColumn } from '@backstage/core-components';
import {
  engineName,
  type TroubledDatabase,
} from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { DatabaseLink } from '../DatabaseLink';
import { formatAge } from '../DatabasesPage/formatAge';
import { PhaseStatus } from '../PhaseStatus';

const columns = (
  tenantTitle: (ref: string) => string,
): TableColumn<TroubledDatabase>[] => [
  {
    title: 'Name',
    field: 'name',
    cellStyle: { whiteSpace: 'nowrap' },
    render: db => <DatabaseLink tenant={db.tenant} name={db.name} />,
  },
  { title: 'Tenant', render: db => tenantTitle(db.tenant) },
  {
    title: 'Engine',
    render: db => engineName(db.engine),
  },
  { title: 'PoP', field: 'region' },
  {
    title: 'Phase',
    render: db => (
      <>
        <PhaseStatus status={db.status} />
        {db.problem === 'stuck' && (
          <Typography variant="caption" color="textSecondary" component="div">
            stuck
          </Typography>
        )}
      </>
    ),
  },
  {
    title: 'For',
    render: db => (
      <time dateTime={db.since} title={`Unchanged since ${db.since}`}>
        {formatAge(db.since)}
      </time>
    ),
  },
  {
    title: 'Age',
    render: db => (
      <time dateTime={db.createdAt} title={db.createdAt}>
        {formatAge(db.createdAt)}
      </time>
    ),
  },
  {
    title: 'Last step',
    render: db =>
      db.lastStep ? (
        <>
          <Typography variant="body2">
            {db.lastStep.step}
            {db.lastStep.cluster ? ` in ${db.lastStep.cluster}` : ''}
          </Typography>
          {db.lastStep.detail && (
            <Typography variant="caption" color="textSecondary">
              {db.lastStep.detail}
            </Typography>
          )}
        </>
      ) : (
        'none yet'
      ),
  },
];

/**
 * The failed databases, and those stuck pending, provisioning or deleting,
 * across every tenant, the longest in trouble first; each leads to its page.
 */
export const TroubledDatabases = (props: {
  troubled: TroubledDatabase[];
  total: number;
  stuckAfterMinutes: number;
  tenantTitle: (ref: string) => string;
}) => {
  const { troubled, total, stuckAfterMinutes, tenantTitle } = props;
  const explained = `Stuck: pending, provisioning or deleting with no change for ${stuckAfterMinutes} minutes.`;
  if (troubled.length === 0) {
    return (
      <Typography>
        No database is failed or stuck. <span>{explained}</span>
      </Typography>
    );
  }
  return (
    <>
      <Table<TroubledDatabase>
        title={`Failed and stuck databases (${total})`}
        subtitle={
          total > troubled.length
            ? `The ${troubled.length} longest in trouble. ${explained}`
            : explained
        }
        columns={columns(tenantTitle)}
        data={troubled}
        options={{
          paging: troubled.length > 20,
          pageSize: 20,
          search: false,
          sorting: false,
          padding: 'dense',
        }}
      />
    </>
  );
};
