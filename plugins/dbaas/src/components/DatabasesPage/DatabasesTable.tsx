import {
  EmptyState,
  Progress,
  Table,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { databaseColumns } from './databaseColumns';
import { DatabaseFilters, type ServiceFilters } from './DatabaseFilters';
import { NewDatabaseButton } from './NewDatabaseButton';
import { SkuCatalogButton } from './SkuCatalogButton';
import { tenantTitles } from './tenantTitles';
import { ReloadProgress } from '../ReloadProgress';
import { useDelayedFlag } from '../../hooks/useDelayedFlag';
import { useRegions } from '../../hooks/useRegions';

/** Rows per page; the API answers at most 100. */
const PAGE_SIZES = [20, 50, 100];

/** A page that answers sooner shows no progress bar, rather than a flicker. */
const RELOAD_PROGRESS_DELAY_MS = 250;

/** Long enough that typing a name sends one request, not one per key. */
const SEARCH_DEBOUNCE_MS = 400;

type View = {
  filters: ServiceFilters;
  /** The search as sent to the API, once typing paused. */
  q: string;
  /** Zero-based, as the table counts. */
  page: number;
  pageSize: number;
};

/**
 * The databases of the user's tenants, one page at a time from
 * `GET /v1/services`: filtering, searching and paging all happen in the API,
 * so the table stays as fast with 5,000 databases as with 5.
 */
export const DatabasesTable = (props: {
  organizations: Organization[];
  /** Goes up when a database changed; the current page reloads. */
  refreshKey: number;
}) => {
  const { organizations, refreshKey } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const { regions, regionName } = useRegions();
  const [search, setSearch] = useState('');
  const [view, setView] = useState<View>({
    filters: {},
    q: '',
    page: 0,
    pageSize: PAGE_SIZES[0],
  });

  // The search and the page change together, so one request goes out, for page 1.
  useDebounce(
    () => {
      const q = search.trim();
      setView(current =>
        current.q === q ? current : { ...current, q, page: 0 },
      );
    },
    SEARCH_DEBOUNCE_MS,
    [search],
  );

  const { filters, q, page, pageSize } = view;
  const { value, loading, error } = useAsync(
    () =>
      dbaasApi.listServices({
        ...filters,
        q: q || undefined,
        page: page + 1,
        limit: pageSize,
      }),
    // refreshKey: a live change reloads the page shown, with its filters.
    [dbaasApi, filters, q, page, pageSize, refreshKey],
  );

  // Databases deleted meanwhile can leave the page shown past the last one.
  useEffect(() => {
    if (value && value.data.length === 0 && value.pagination.page > 1) {
      const last = Math.ceil(value.pagination.total / value.pagination.limit);
      setView(current => ({ ...current, page: Math.max(0, last - 1) }));
    }
  }, [value]);

  const showLoading = useDelayedFlag(loading, RELOAD_PROGRESS_DELAY_MS);

  // Priced when the API priced any database: without prices, no column.
  const priced = !!value?.data.some(service => service.monthlyPrice);
  const columns = useMemo(
    () =>
      databaseColumns({
        tenantTitle: tenantTitles(organizations),
        regionName,
        priced,
      }),
    [organizations, regionName, priced],
  );

  // Memoized: a material-table renders every row again on any new prop, and
  // the page re-renders while a load starts and ends, before any row changes.
  const table = useMemo(
    () =>
      value && (
        <Table<ServiceSummary>
          title={`Databases (${value.pagination.total.toLocaleString(
            'en-US',
          )})`}
          columns={columns}
          data={value.data}
          // Controlled paging: the rows are one page of the API's answer.
          page={value.pagination.page - 1}
          totalCount={value.pagination.total}
          onPageChange={(nextPage, nextPageSize) =>
            setView(current => ({
              ...current,
              page: nextPage,
              pageSize: nextPageSize,
            }))
          }
          options={{
            paging: true,
            pageSize: value.pagination.limit,
            pageSizeOptions: PAGE_SIZES,
            search: false,
            sorting: false,
            padding: 'dense',
          }}
          emptyContent={
            <Typography align="center" style={{ padding: 16 }}>
              No databases match these filters.
            </Typography>
          }
        />
      ),
    [value, columns],
  );

  const narrowed = !!q || Object.values(filters).some(Boolean);
  if (value && value.pagination.total === 0 && !narrowed && !search) {
    return (
      <EmptyState
        missing="data"
        title="No databases yet"
        description="Databases your teams order show up here, with their phase as they are provisioned."
        action={
          <Box display="flex" style={{ gap: 8 }}>
            <NewDatabaseButton />
            <SkuCatalogButton />
          </Box>
        }
      />
    );
  }

  let body;
  if (error) {
    body = (
      <WarningPanel
        severity="error"
        title="Could not load your databases"
        message={apiErrorMessage(error)}
        defaultExpanded
      />
    );
  } else if (!value) {
    body = <Progress aria-label="Loading your databases" />;
  } else {
    body = (
      <>
        <ReloadProgress active={showLoading} label="Loading databases" />
        {table}
      </>
    );
  }

  return (
    <>
      <DatabaseFilters
        filters={filters}
        onFiltersChange={next =>
          setView(current => ({ ...current, filters: next, page: 0 }))
        }
        search={search}
        onSearchChange={setSearch}
        organizations={organizations}
        regions={regions}
      />
      <Box mt={2}>{body}</Box>
    </>
  );
};
