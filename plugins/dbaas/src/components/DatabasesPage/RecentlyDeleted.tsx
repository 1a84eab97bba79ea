import { Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { dbaasApiRef } from '../../api/DbaasApi';
import { DeletedDatabaseBackups } from '../DatabaseBackups';
import { ApiErrorPanel } from '../DatabaseEntity';
import { Timestamp } from '../Timestamp';
import { databaseColumnsByKey } from './databaseColumns';
import { tenantTitles } from './tenantTitles';

/** Rows per page; the API answers at most 100. */
const PAGE_SIZES = [5, 20, 100];

/**
 * The deleted databases of the user's tenants, newest deletion first, a page
 * at a time from `GET /v1/services?deleted=true`: their backups outlive them,
 * and each can be restored into a new database from here. Shows nothing until
 * there is one, so the page stays as it was for teams that never deleted any.
 */
export const RecentlyDeleted = (props: {
  organizations: Organization[];
  /** Goes up when a database changed (a deletion among them); the page reloads. */
  refreshKey: number;
}) => {
  const { organizations, refreshKey } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [view, setView] = useState({ page: 0, pageSize: PAGE_SIZES[0] });
  const [opened, setOpened] = useState<ServiceSummary>();
  const { value, error } = useAsync(
    () =>
      dbaasApi.listServices({
        deleted: 'true',
        page: view.page + 1,
        limit: view.pageSize,
      }),
    [dbaasApi, view, refreshKey],
  );

  const columns = useMemo((): TableColumn<ServiceSummary>[] => {
    const column = databaseColumnsByKey({
      tenantTitle: tenantTitles(organizations),
    });
    return [
      // No link: a deleted database's catalog page is gone with it.
      { ...column.name, render: service => service.name },
      column.tenant,
      column.engine,
      {
        title: 'Deleted',
        field: 'deletedAt',
        render: service =>
          service.deletedAt && <Timestamp at={service.deletedAt} />,
      },
      {
        title: 'Backups',
        render: service => (
          <Button
            size="small"
            variant="outlined"
            aria-label={`Backups of ${service.name}`}
            onClick={() => setOpened(service)}
          >
            Backups
          </Button>
        ),
      },
    ];
  }, [organizations]);

  let body = null;
  if (error) {
    body = (
      <ApiErrorPanel
        title="Could not load your recently deleted databases"
        error={error}
      />
    );
  } else if (value && value.pagination.total > 0) {
    body = (
      <Table<ServiceSummary>
        title={`Recently deleted (${value.pagination.total.toLocaleString(
          'en-US',
        )})`}
        subtitle="Their backups stay restorable into a new database for as long as they are kept."
        columns={columns}
        data={value.data}
        // Controlled paging: the rows are one page of the API's answer.
        page={value.pagination.page - 1}
        totalCount={value.pagination.total}
        onPageChange={(page, pageSize) => setView({ page, pageSize })}
        options={{
          paging: true,
          pageSize: value.pagination.limit,
          pageSizeOptions: PAGE_SIZES,
          search: false,
          sorting: false,
          padding: 'dense',
        }}
      />
    );
  }

  return (
    <>
      {body && <Box mt={3}>{body}</Box>}
      {opened && (
        <DeletedDatabaseBackups
          database={opened}
          onClose={() => setOpened(undefined)}
        />
      )}
    </>
  );
};
