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

const count = (n: number) => n.toLocaleString('en');

/**
 * A lag in the unit a person reads it in. Not the Backups tab's
 * formatDuration, which counts whole seconds for how long a backup took: a
 * healthy pipeline's lag is a fraction of one.
 */
export function lagWords(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** A topic's messages and their rate, as its PoP last read them. */
function topicFlow(pipeline: CdcPipelineView, topic: string): string {
  const read = pipeline.measured?.topics.find(t => t.topic === topic);
  if (!read) return '';
  const rate = read.perSecond === undefined ? '' : `, ${read.perSecond}/s`;
  return ` · ${count(read.messages)} messages${rate}`;
}

/**
 * How far the pipeline trails its database and its consumers trail it, as
 * its PoP last read it.
 */
const PipelineFlow = ({ pipeline }: { pipeline: CdcPipelineView }) => {
  const measured = pipeline.measured;
  if (!measured) {
    return <Typography variant="body2">{dash}</Typography>;
  }
  return (
    <>
      <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
        {measured.lagMs === undefined
          ? 'No change read yet'
          : `Lag ${lagWords(measured.lagMs)}`}
      </Typography>
      {measured.lastChangeAt && (
        <Caption>
          Last change committed{' '}
          {new Date(measured.lastChangeAt).toLocaleString()}
        </Caption>
      )}
      <ul
        aria-label={`Consumer groups of ${pipeline.name}`}
        style={{ listStyle: 'none', margin: 0, padding: 0 }}
      >
        {measured.consumerGroups.map(group => (
          <li key={group.group}>
            <Caption>
              <code>{group.group}</code> {count(group.lag)} behind
            </Caption>
          </li>
        ))}
      </ul>
      <Caption>Read {new Date(measured.at).toLocaleTimeString()}</Caption>
    </>
  );
};

/**
 * A database's CDC pipelines: how each runs (a failure with the connector's
 * reason, in the row), its lag and its consumers', each captured table with
 * its topic and their messages, the dead letter topic with its count, and the
 * pipeline's actions.
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
          <TableCell>Lag and consumers</TableCell>
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
                <PipelineFlow pipeline={pipeline} />
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
                          <>
                            <code>{pipeline.topics[i]}</code>
                            {topicFlow(pipeline, pipeline.topics[i])}
                          </>
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
                {pipeline.measured && (
                  <Caption>
                    {count(pipeline.measured.deadLetters)} dead letters
                  </Caption>
                )}
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
