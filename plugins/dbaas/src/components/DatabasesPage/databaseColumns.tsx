import type { TableColumn } from '@backstage/core-components';
import {
  engineName,
  planName,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { DatabaseLink } from '../DatabaseLink';
import { MonthlyPrice } from '../MonthlyPrice';
import { formatAge } from './formatAge';
import { PhaseStatus } from '../PhaseStatus';

type ColumnOptions = {
  /** A tenant's title, from the organizations; its group ref otherwise. */
  tenantTitle: (tenantRef: string) => string;
  /** A region's display name, from the API's regions; its id otherwise. */
  regionName?: (id: string) => string;
  /** Show each database's monthly price (the API prices them). */
  priced?: boolean;
};

/**
 * Each column of the databases table by its key, for a table of databases
 * that shows some of them (the recently deleted ones).
 */
export function databaseColumnsByKey(options: ColumnOptions) {
  return {
    name: {
      title: 'Name',
      field: 'name',
      highlight: true,
      // Names are dash-separated words: wrapped at a dash they read as two.
      cellStyle: { whiteSpace: 'nowrap' },
      render: service => (
        <DatabaseLink tenant={service.tenant} name={service.name} />
      ),
    },
    tenant: {
      title: 'Tenant',
      field: 'tenant',
      render: service => options.tenantTitle(service.tenant),
    },
    engine: {
      title: 'Engine',
      field: 'engine',
      render: service => engineName(service.engine),
    },
    plan: {
      title: 'Plan',
      field: 'plan',
      render: service => planName(service.plan),
    },
    region: {
      title: 'Region',
      field: 'region',
      render: service => options.regionName?.(service.region) ?? service.region,
    },
    phase: {
      title: 'Phase',
      field: 'status',
      render: service => <PhaseStatus status={service.status} />,
    },
    monthlyPrice: {
      title: 'Monthly price',
      field: 'monthlyPrice.total',
      cellStyle: { whiteSpace: 'nowrap' },
      render: service =>
        service.monthlyPrice ? (
          <MonthlyPrice price={service.monthlyPrice} suffix="" />
        ) : (
          'Not priced'
        ),
    },
    age: {
      title: 'Age',
      field: 'createdAt',
      render: service => (
        <time dateTime={service.createdAt} title={service.createdAt}>
          {formatAge(service.createdAt)}
        </time>
      ),
    },
  } satisfies Record<string, TableColumn<ServiceSummary>>;
}

/**
 * The columns of the databases table. The API pages, newest first, so no
 * column sorts on its own: that would reorder one page of many only.
 */
export function databaseColumns(
  options: ColumnOptions,
): TableColumn<ServiceSummary>[] {
  const column = databaseColumnsByKey(options);
  return [
    column.name,
    column.tenant,
    column.engine,
    column.plan,
    column.region,
    column.phase,
    ...(options.priced ? [column.monthlyPrice] : []),
    column.age,
  ];
}
