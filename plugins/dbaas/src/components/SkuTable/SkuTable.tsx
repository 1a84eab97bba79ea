import { Table, type TableColumn } from '@backstage/core-components';
import type { CatalogSku } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { MonthlyPrice } from '../MonthlyPrice';

const formatSla = (percent: number) => `${percent.toFixed(2)}%`;

function formatSize(sku: CatalogSku): string {
  const d = sku.defaults;
  const nodes = d.nodes === 1 ? '1 node' : `${d.nodes} nodes`;
  return `${nodes} × ${d.vcpuPerNode} vCPU, ${d.memoryGiPerNode} GiB RAM, ${d.storageGiPerNode} GiB disk`;
}

const columns: TableColumn<CatalogSku>[] = [
  { title: 'Engine', field: 'engineName' },
  {
    title: 'SKU',
    field: 'id',
    highlight: true,
    render: sku => (
      <>
        <Typography variant="body2">{sku.id}</Typography>
        <Typography variant="caption" color="textSecondary">
          {sku.description}
        </Typography>
      </>
    ),
  },
  { title: 'Plan', field: 'planName' },
  {
    title: 'SLA',
    field: 'slaPercent',
    type: 'numeric',
    render: sku => formatSla(sku.slaPercent),
  },
  {
    title: 'Default size',
    field: 'defaults',
    render: formatSize,
    customFilterAndSearch: (term, sku) =>
      formatSize(sku).toLocaleLowerCase().includes(term.toLocaleLowerCase()),
  },
  {
    title: 'Monthly price',
    field: 'monthlyPrice.total',
    cellStyle: { whiteSpace: 'nowrap' },
    render: sku =>
      sku.monthlyPrice ? (
        <MonthlyPrice price={sku.monthlyPrice} suffix="" />
      ) : (
        'Not priced'
      ),
  },
  {
    title: 'Regions',
    field: 'regions',
    render: sku => (
      <Typography variant="body2">{sku.regions.join(', ')}</Typography>
    ),
    customFilterAndSearch: (term, sku) =>
      sku.regions.some(r => r.includes(term.toLocaleLowerCase())),
  },
];

/** The service catalog's SKUs as a searchable table. */
export const SkuTable = (props: { skus: CatalogSku[] }) => (
  <Table<CatalogSku>
    title="Service catalog"
    // Without prices, no price column.
    columns={
      props.skus.some(sku => sku.monthlyPrice)
        ? columns
        : columns.filter(c => c.title !== 'Monthly price')
    }
    data={props.skus}
    // material-table's sortable headers nest a focusable element in another,
    // which axe reports as serious (nested-interactive); 19 SKUs read fine in
    // the catalog's order, and the search narrows them.
    options={{ paging: false, search: true, sorting: false, padding: 'dense' }}
    emptyContent={
      <Typography align="center" style={{ padding: 16 }}>
        No SKUs are offered.
      </Typography>
    }
  />
);
