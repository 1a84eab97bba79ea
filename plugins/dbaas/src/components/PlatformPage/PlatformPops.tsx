import { Table, type TableColumn } from '@backstage/core-components';
import {
  engineName,
  type PopHoldings,
} from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';

/** "PostgreSQL 3, MongoDB 1": the non-zero counts, largest first. */
function counts(
  byKey: Record<string, number | undefined>,
  name: (key: string) => string = key => key,
): string {
  return Object.entries(byKey)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([key, n]) => `${name(key)} ${n}`)
    .join(', ');
}

const columns: TableColumn<PopHoldings>[] = [
  {
    title: 'PoP',
    field: 'displayName',
    render: pop => (
      <>
        <Typography variant="body2">{pop.displayName}</Typography>
        <Typography variant="caption" color="textSecondary">
          {pop.id}
        </Typography>
      </>
    ),
  },
  { title: 'Databases', field: 'databases', type: 'numeric' },
  {
    title: 'By engine',
    render: pop => counts(pop.byEngine, engineName) || '–',
  },
  { title: 'By phase', render: pop => counts(pop.byPhase) || '–' },
];

/**
 * The PoPs and the live databases with a share in each (a database in
 * several regions counts in each).
 */
export const PlatformPops = (props: { pops: PopHoldings[] }) => (
  <Table<PopHoldings>
    title={`PoPs (${props.pops.length})`}
    columns={columns}
    data={props.pops}
    options={{
      paging: false,
      search: false,
      sorting: false,
      padding: 'dense',
    }}
  />
);
