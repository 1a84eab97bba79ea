import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CdcPipelineView,
  CdcTableForm,
} from '@internal/backstage-plugin-dbaas-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormLabel from '@material-ui/core/FormLabel';
import Radio from '@material-ui/core/Radio';
import RadioGroup from '@material-ui/core/RadioGroup';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useState, type FormEvent } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { newCdcPipelineIssues, tablesOf } from './newCdcPipelineIssues';

type Snapshot = 'initial' | 'never';

/** Lines of a field's helper text. */
const Lines = (props: { lines: string[] }) => (
  <>
    {props.lines.map(line => (
      <span key={line} style={{ display: 'block' }}>
        {line}
      </span>
    ))}
  </>
);

/**
 * Asks for a new CDC pipeline of a database: its name, the tables it
 * captures in the engine's form (one a line) and whether it starts with the
 * tables' existing rows. What the claim's rules would refuse is said before
 * sending, once a field was left or the form sent; the API checks again (a
 * table captured by another database, the quota), and what it says stays in
 * the dialog in its own words.
 */
export const NewCdcPipelineDialog = (props: {
  serviceId: string;
  /** How the database's engine names a table (cdcTableForms). */
  tableForm: CdcTableForm;
  /** The database's pipelines: a new one takes neither a name nor a table of theirs. */
  existing: readonly CdcPipelineView[];
  onClose: () => void;
  /** The pipeline the API accepted, for the page to list at once. */
  onCreated: (pipeline: CdcPipelineView) => void;
}) => {
  const { tableForm, onClose } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [name, setName] = useState('');
  const [tablesText, setTablesText] = useState('');
  const [snapshot, setSnapshot] = useState<Snapshot>('initial');
  // Problems show once a field was left, or the form sent.
  const [left, setLeft] = useState({ name: false, tables: false });
  const [sent, setSent] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();

  const trimmedName = name.trim();
  const tables = tablesOf(tablesText);
  const issues = newCdcPipelineIssues({
    name: trimmedName,
    tables,
    tableForm,
    existing: props.existing,
  });
  const nameIssue = sent || left.name ? issues.name : undefined;
  const tableIssues = sent || left.tables ? issues.tables : [];
  const form = tableForm.parts.join('.');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSent(true);
    setError(undefined);
    if (issues.name || issues.tables.length > 0) return;
    setSubmitting(true);
    try {
      const pipeline = await dbaasApi.createCdcPipeline(props.serviceId, {
        name: trimmedName,
        tables,
        snapshot,
      });
      props.onCreated(pipeline);
      onClose();
    } catch (e) {
      setError(apiErrorMessage(e as Error));
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby={`${id}-title`} fullWidth>
      {/* noValidate: the dialog says what is wrong, in the claim's words. */}
      <form onSubmit={submit} noValidate>
        <DialogTitle id={`${id}-title`}>New CDC pipeline</DialogTitle>
        <DialogContent>
          <TextField
            id={`${id}-name`}
            label="Name"
            value={name}
            onChange={e => setName(e.target.value)}
            onBlur={() => setLeft(l => ({ ...l, name: true }))}
            error={nameIssue !== undefined}
            helperText={
              nameIssue ??
              'Lowercase letters, digits and hyphens, starting with a letter; at most 40 characters. It names the dead letter topic.'
            }
            required
            fullWidth
            margin="normal"
          />
          <TextField
            id={`${id}-tables`}
            label="Tables"
            value={tablesText}
            onChange={e => setTablesText(e.target.value)}
            onBlur={() => setLeft(l => ({ ...l, tables: true }))}
            placeholder={tableForm.example}
            error={tableIssues.length > 0}
            helperText={
              tableIssues.length > 0 ? (
                <Lines lines={tableIssues} />
              ) : (
                `One a line, each a ${form}, such as ${tableForm.example}. Each table's changes go to a topic of its own.`
              )
            }
            multiline
            minRows={3}
            required
            fullWidth
            margin="normal"
          />
          <FormControl component="fieldset" margin="normal">
            <FormLabel component="legend">Start with</FormLabel>
            <RadioGroup
              name={`${id}-snapshot`}
              value={snapshot}
              onChange={e => setSnapshot(e.target.value as Snapshot)}
            >
              <FormControlLabel
                value="initial"
                control={<Radio />}
                label="Existing rows first, then changes (initial snapshot)"
              />
              <FormControlLabel
                value="never"
                control={<Radio />}
                label="Only changes from now (no snapshot)"
              />
            </RadioGroup>
          </FormControl>
          {error && (
            <Typography role="alert" color="error" variant="body2">
              {error}
            </Typography>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={submitting}
          >
            Create pipeline
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
};
