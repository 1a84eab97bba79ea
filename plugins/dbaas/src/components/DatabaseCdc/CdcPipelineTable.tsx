import type { CdcPipelineView } from '@internal/backstage-plugin-dbaas-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Caption } from '../Caption';
import { CdcPipelineActions } from './CdcPipelineActions';

const dash = '—';

const snapshotWords: Record<CdcPipelineView['snapshot'], string> = {
  initial: 'Existing rows first, then changes',
  never: 'Only changes from when it started',
};

/** What was asked of a pipeline that its state does not show yet. */
function requested(pipeline: CdcPipelineView): string | undefined {
  if (
    pipeline.paused &&
    (pipeline.state === 'running' || pipeline.state === 'pending')
  ) {
    return 'Pause requested';
  }
  if (!pipeline.paused && pipeline.state === 'paused') {
    return 'Resume requested';
  }
  return undefined;
}

/**
 * A database's CDC pipelines: how each runs (a failure with the connector's
 * reason, in the row), each captured table with its topic, the dead letter
 * topic, and the pipeline's actions.
 */
export const CdcPipelineTable = (props: {
  serviceId: string;
  pipelines: CdcPipelineView[];
  onChanged: (name: string, view?: CdcPipelineView) => void;
}) => {
  const { pipelines } = props;
  if (pipelines.length === 0) {
    return (
      <Typography variant="body2">
        This database has no CDC pipelines yet.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="CDC pipelines">
      <TableHead>
        <TableRow>
          <TableCell>Pipeline</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Tables and their topics</TableCell>
          <TableCell>Dead letter topic</TableCell>
          <TableCell>Actions</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {pipelines.map(pipeline => {
          const asked = requested(pipeline);
          return (
            <TableRow key={pipeline.name}>
              <TableCell component="th" scope="row">
                {pipeline.name}
                <Caption>{snapshotWords[pipeline.snapshot]}</Caption>
              </TableCell>
              <TableCell>
                <Typography
                  variant="body2"
                  color={pipeline.state === 'failed' ? 'error' : 'textPrimary'}
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {pipeline.state}
                </Typography>
                {pipeline.message && <Caption>{pipeline.message}</Caption>}
                {asked && <Caption>{asked}</Caption>}
              </TableCell>
              <TableCell>
                <ul
                  aria-label={`Tables of ${pipeline.name}`}
                  style={{ listStyle: 'none', margin: 0, padding: 0 }}
                >
                  {pipeline.tables.map((table, i) => (
                    <li key={table}>
                      <Typography variant="body2">{table}</Typography>
                      <Caption>
                        {pipeline.topics[i] ? (
                          <code>{pipeline.topics[i]}</code>
                        ) : (
                          dash
                        )}
                      </Caption>
                    </li>
                  ))}
                </ul>
              </TableCell>
              <TableCell>
                <code>{pipeline.deadLetterTopic}</code>
              </TableCell>
              <TableCell>
                <CdcPipelineActions
                  serviceId={props.serviceId}
                  pipeline={pipeline}
                  onChanged={props.onChanged}
                />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
};
