import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import { useErrorTextClass } from '../../utils/useErrorTextClass';
import { AUDIT_ACTIONS } from './auditActions';

/** The filters as the form holds them: what the person chose or typed. */
export type AuditLogFilterValues = {
  /** A tenant, the organization itself, or '' for every event. */
  tenant: string;
  action: string;
  /** A user as typed: `ada`, `user:default/ada`, or a plugin's subject. */
  user: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
};

export const NO_FILTERS: AuditLogFilterValues = {
  tenant: '',
  action: '',
  user: '',
  from: '',
  to: '',
};

/**
 * The choices that narrow an organization's audit log: a tenant or the
 * organization's own events, an action, who acted, and a time range.
 */
export const AuditLogFilters = (props: {
  organization: Organization;
  filters: AuditLogFilterValues;
  onChange: (filters: AuditLogFilterValues) => void;
  /** What is wrong with the user or the range, beside the field. */
  problems: Partial<Record<'user' | 'to', string>>;
}) => {
  const { organization, filters, onChange, problems } = props;
  const errorText = useErrorTextClass();
  const set = (key: keyof AuditLogFilterValues) => (value: string) =>
    onChange({ ...filters, [key]: value });

  // On paper: on the page's grey, MUI's grey labels miss the 4.5:1 contrast.
  return (
    <Paper>
      <Box p={2}>
        <Grid container spacing={2}>
          <Grid item xs={12} sm={6} md={3}>
            <TextField
              select
              fullWidth
              id="dbaas-audit-tenant"
              label="Tenant"
              value={filters.tenant}
              SelectProps={{ native: true }}
              InputLabelProps={{ shrink: true }}
              onChange={e => set('tenant')(e.target.value)}
            >
              <option value="">All</option>
              <option value={organization.id}>
                {organization.title} (the organization itself)
              </option>
              {organization.tenants.map(t => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} sm={6} md={3}>
            <TextField
              select
              fullWidth
              id="dbaas-audit-action"
              label="Action"
              value={filters.action}
              SelectProps={{ native: true }}
              InputLabelProps={{ shrink: true }}
              onChange={e => set('action')(e.target.value)}
            >
              <option value="">All</option>
              {Object.entries(AUDIT_ACTIONS).map(([action, label]) => (
                <option key={action} value={action}>
                  {label}
                </option>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} sm={4} md={2}>
            <TextField
              fullWidth
              id="dbaas-audit-user"
              type="search"
              label="User"
              placeholder="ada"
              value={filters.user}
              InputLabelProps={{ shrink: true, classes: { error: errorText } }}
              FormHelperTextProps={{ classes: { error: errorText } }}
              inputProps={{ maxLength: 255 }}
              error={!!problems.user}
              helperText={problems.user}
              onChange={e => set('user')(e.target.value)}
            />
          </Grid>
          <Grid item xs={12} sm={4} md={2}>
            <TextField
              fullWidth
              id="dbaas-audit-from"
              type="datetime-local"
              label="From"
              value={filters.from}
              InputLabelProps={{ shrink: true }}
              onChange={e => set('from')(e.target.value)}
            />
          </Grid>
          <Grid item xs={12} sm={4} md={2}>
            <TextField
              fullWidth
              id="dbaas-audit-to"
              type="datetime-local"
              label="To"
              value={filters.to}
              InputLabelProps={{ shrink: true, classes: { error: errorText } }}
              FormHelperTextProps={{ classes: { error: errorText } }}
              error={!!problems.to}
              helperText={problems.to}
              onChange={e => set('to')(e.target.value)}
            />
          </Grid>
        </Grid>
      </Box>
    </Paper>
  );
};
