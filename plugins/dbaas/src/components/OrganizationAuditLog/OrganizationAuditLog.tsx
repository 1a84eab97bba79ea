import {
  Progress,
  Table,
  WarningPanel,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  AuditLogEntry,
  AuditLogQuery,
  DbaasRole,
  Organization,
  TenantQuota,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useEffect, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useDebounce from 'react-use/esm/useDebounce';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useDelayedFlag } from '../../hooks/useDelayedFlag';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { useErrorTextClass } from '../../utils/useErrorTextClass';
import { fromDateTimeLocal } from '../DatabaseBackups/dateTimeLocal';
import { ActorName } from '../ActorName';
import { DatabaseLink } from '../DatabaseLink';
import { ROLE_NAMES } from '../OrganizationMembers/roleChoices';
import { formatAmount, QUOTA_LIMITS } from '../TenantQuotaBars';
import { ReloadProgress } from '../ReloadProgress';
import { Timestamp } from '../Timestamp';
import {
  AuditLogFilters,
  NO_FILTERS,
  type AuditLogFilterValues,
} from './AuditLogFilters';
import { auditActionLabel } from './auditActions';

/** Rows per page; the API answers at most 100. */
const PAGE_SIZES = [20, 50, 100];

/** Long enough that typing a name sends one request, not one per key. */
const USER_DEBOUNCE_MS = 400;

/** A `datetime-local` value names a minute: "to 14:30" takes all of it. */
const MINUTE_MS = 60_000;

/**
 * Who a person means by what they typed: a bare name is a user of the default
 * namespace; anything with a kind (a user, or a plugin such as
 * `plugin:scaffolder`) is taken as written.
 */
export function actorOf(typed: string): string | undefined {
  const text = typed.trim().toLowerCase();
  if (!text) return undefined;
  return text.includes(':') ? text : `user:default/${text}`;
}

/** The API's query for the filters, or why they cannot be asked. */
function queryOf(
  organization: Organization,
  filters: AuditLogFilterValues,
  actor: string | undefined,
): { query?: Partial<AuditLogQuery>; problems: { to?: string } } {
  const since = fromDateTimeLocal(filters.from);
  const to = fromDateTimeLocal(filters.to);
  const until = to && new Date(to.getTime() + MINUTE_MS - 1);
  if (since && until && until < since) {
    return { problems: { to: 'Must not be before From' } };
  }
  return {
    query: {
      organization: organization.id,
      tenant: filters.tenant || undefined,
      action: filters.action || undefined,
      actor,
      since: since?.toISOString(),
      until: until?.toISOString(),
    },
    problems: {},
  };
}

/** The facts of an event worth a glance; its full record is in Kafka. */
function summary(
  entry: AuditLogEntry,
  scopeTitle: (ref: string) => string,
): string | undefined {
  const details = entry.details ?? {};
  if (entry.outcome === 'failed' && typeof details.message === 'string') {
    return details.message;
  }
  if (typeof details.change === 'string') return details.change;
  const role = ROLE_NAMES[details.role as DbaasRole];
  if (role && typeof details.scope === 'string') {
    return `${role.label} on ${scopeTitle(details.scope)}`;
  }
  const quota = details.quota as Partial<TenantQuota> | undefined;
  if (quota && typeof quota === 'object') {
    return QUOTA_LIMITS.filter(({ key }) => typeof quota[key] === 'number')
      .map(
        ({ key, title, unit }) =>
          `${title} ${formatAmount(quota[key]!)}${unit ? ` ${unit}` : ''}`,
      )
      .join(', ');
  }
  return undefined;
}

/**
 * An organization's audit log, newest first, one page at a time from the
 * API: every tenant's events and the organization's own, narrowed by tenant,
 * action, user and time. An event about a database links to its page.
 */
export const OrganizationAuditLog = (props: { organization: Organization }) => {
  const { organization } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [filters, setFilters] = useState<AuditLogFilterValues>(NO_FILTERS);
  const [actor, setActor] = useState<string>();
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  const errorText = useErrorTextClass();

  useDebounce(
    () => {
      const next = actorOf(filters.user);
      if (next !== actor) {
        setActor(next);
        setPage(0);
      }
    },
    USER_DEBOUNCE_MS,
    [filters.user],
  );

  const { query, problems } = useMemo(
    () => queryOf(organization, filters, actor),
    [organization, filters, actor],
  );
  const { value, loading, error } = useAsync(
    async () =>
      query
        ? dbaasApi.listAuditEvents({
            ...query,
            page: page + 1,
            limit: pageSize,
          })
        : undefined,
    [dbaasApi, query, page, pageSize],
  );
  const showLoading = useDelayedFlag(loading, 250);

  // Fewer events than before can leave the page shown past the last one.
  useEffect(() => {
    if (value && value.data.length === 0 && value.pagination.page > 1) {
      setPage(0);
    }
  }, [value]);

  const columns = useMemo((): TableColumn<AuditLogEntry>[] => {
    const tenantTitle = (ref: string) =>
      ref === organization.id
        ? organization.title
        : organization.tenants.find(t => t.id === ref)?.title ?? ref;
    return [
      { title: 'When', render: e => <Timestamp at={e.occurredAt} /> },
      {
        title: 'Action',
        render: e => (
          <>
            <Typography variant="body2">
              {auditActionLabel(e.action)}
            </Typography>
            <Typography variant="caption" color="textSecondary">
              {e.action}
            </Typography>
          </>
        ),
      },
      {
        title: 'Outcome',
        render: e => (
          <Typography
            variant="body2"
            className={e.outcome === 'failed' ? errorText : undefined}
          >
            {e.outcome === 'failed' ? 'Refused' : 'Done'}
          </Typography>
        ),
      },
      { title: 'Tenant', render: e => tenantTitle(e.tenant) },
      { title: 'By', render: e => <ActorName actor={e.actor} /> },
      {
        title: 'About',
        render: e => {
          if (e.database) {
            return e.database.deleted ? (
              `${e.database.name} (deleted)`
            ) : (
              <DatabaseLink tenant={e.database.tenant} name={e.database.name} />
            );
          }
          if (e.resourceType === 'role-grant' && e.resourceId) {
            return (
              <>
                Role of <ActorName actor={e.resourceId} />
              </>
            );
          }
          if (e.resourceType === 'quota') {
            return `Quota of ${tenantTitle(e.resourceId)}`;
          }
          return e.resourceId ? `${e.resourceType} ${e.resourceId}` : '—';
        },
      },
      {
        title: 'Details',
        render: e =>
          summary(e, ref =>
            ref === organization.id
              ? 'the whole organization'
              : tenantTitle(ref),
          ) ?? '',
      },
    ];
  }, [organization, errorText]);

  const table = useMemo(
    () =>
      value && (
        <Table<AuditLogEntry>
          title={`Audit log (${value.pagination.total.toLocaleString(
            'en-US',
          )})`}
          columns={columns}
          data={value.data}
          // Controlled paging: the rows are one page of the API's answer.
          page={value.pagination.page - 1}
          totalCount={value.pagination.total}
          onPageChange={(nextPage, nextPageSize) => {
            setPage(nextPage);
            setPageSize(nextPageSize);
          }}
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
              No events match these filters.
            </Typography>
          }
        />
      ),
    [value, columns],
  );

  let body;
  if (error) {
    body = (
      <WarningPanel
        severity="error"
        title="Could not load the audit log"
        message={apiErrorMessage(error)}
        defaultExpanded
      />
    );
  } else if (!value && query) {
    body = <Progress aria-label="Loading the audit log" />;
  } else {
    body = (
      <>
        <ReloadProgress active={showLoading} label="Loading audit events" />
        {table}
      </>
    );
  }

  return (
    <>
      <AuditLogFilters
        organization={organization}
        filters={filters}
        onChange={next => {
          setFilters(next);
          setPage(0);
        }}
        problems={problems}
      />
      <Box mt={2}>{body}</Box>
    </>
  );
};
