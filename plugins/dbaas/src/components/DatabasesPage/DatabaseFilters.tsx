import {
  CLAIM_PHASES,
  offerings,
  serviceStatusOf,
  type ListServicesQuery,
  type Organization,
  type Region,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import TextField from '@material-ui/core/TextField';
import type { ReactNode } from 'react';

/** The filters of `GET /services` the page offers as choices. */
export type ServiceFilters = Partial<
  Pick<ListServicesQuery, 'engine' | 'plan' | 'region' | 'status' | 'tenant'>
>;

/** The API refuses longer searches (`q` is at most 40 characters). */
const MAX_SEARCH_LENGTH = 40;

const FilterSelect = (props: {
  id: string;
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  children: ReactNode;
}) => (
  <Grid item xs={12} sm={6} md={2}>
    <TextField
      select
      fullWidth
      id={props.id}
      label={props.label}
      value={props.value ?? ''}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      onChange={event => props.onChange(event.target.value || undefined)}
    >
      <option value="">All</option>
      {props.children}
    </TextField>
  </Grid>
);

/** The options of a select of the service catalog's engines, plans or regions. */
const catalogOptions = (items: { id: string; displayName: string }[]) =>
  items.map(item => (
    <option key={item.id} value={item.id}>
      {item.displayName}
    </option>
  ));

/**
 * The search box and the choices that narrow the list: engines and plans from
 * the service catalog, the regions the API lists, the phases a database goes
 * through, and the tenants of the user's organizations, grouped by
 * organization.
 */
export const DatabaseFilters = (props: {
  filters: ServiceFilters;
  onFiltersChange: (filters: ServiceFilters) => void;
  search: string;
  onSearchChange: (search: string) => void;
  organizations: Organization[];
  regions: Region[];
}) => {
  const { filters, onFiltersChange, organizations } = props;
  const set =
    <K extends keyof ServiceFilters>(key: K) =>
    (value: string | undefined) => {
      const next = { ...filters };
      // The values come from the choices below, which are the API's own ids.
      if (value) next[key] = value as ServiceFilters[K];
      else delete next[key];
      onFiltersChange(next);
    };

  // On paper: on the page's grey, MUI's grey labels miss the 4.5:1 contrast.
  return (
    <Paper>
      <Box p={2}>
        <Grid container spacing={2}>
          <Grid item xs={12} md={2}>
            <TextField
              fullWidth
              id="dbaas-databases-search"
              type="search"
              label="Search by name"
              value={props.search}
              InputLabelProps={{ shrink: true }}
              inputProps={{ maxLength: MAX_SEARCH_LENGTH }}
              onChange={event => props.onSearchChange(event.target.value)}
            />
          </Grid>
          <FilterSelect
            id="dbaas-databases-tenant"
            label="Tenant"
            value={filters.tenant}
            onChange={set('tenant')}
          >
            {organizations.map(org => (
              <optgroup key={org.id} label={org.title}>
                {org.tenants.map(tenant => (
                  <option key={tenant.id} value={tenant.id}>
                    {tenant.title}
                  </option>
                ))}
              </optgroup>
            ))}
          </FilterSelect>
          <FilterSelect
            id="dbaas-databases-engine"
            label="Engine"
            value={filters.engine}
            onChange={set('engine')}
          >
            {catalogOptions(offerings.engines)}
          </FilterSelect>
          <FilterSelect
            id="dbaas-databases-plan"
            label="Plan"
            value={filters.plan}
            onChange={set('plan')}
          >
            {catalogOptions(offerings.plans)}
          </FilterSelect>
          <FilterSelect
            id="dbaas-databases-region"
            label="Region"
            value={filters.region}
            onChange={set('region')}
          >
            {catalogOptions(props.regions)}
          </FilterSelect>
          <FilterSelect
            id="dbaas-databases-status"
            label="Phase"
            value={filters.status}
            onChange={set('status')}
          >
            {CLAIM_PHASES.map(phase => (
              <option key={phase} value={serviceStatusOf(phase)}>
                {phase}
              </option>
            ))}
          </FilterSelect>
        </Grid>
      </Box>
    </Paper>
  );
};
