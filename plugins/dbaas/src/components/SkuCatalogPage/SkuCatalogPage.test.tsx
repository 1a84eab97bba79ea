import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { describeSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { SkuCatalogPage } from './SkuCatalogPage';

const allSkus = exampleSkuCatalog.skus.map(sku =>
  describeSku(exampleSkuCatalog, sku),
);

function renderWith(listSkus: DbaasApi['listSkus']) {
  return renderInTestApp(
    <TestApiProvider apis={[[dbaasApiRef, { listSkus }]]}>
      <SkuCatalogPage />
    </TestApiProvider>,
  );
}

describe('SkuCatalogPage', () => {
  it('lists every SKU with its engine, plan, SLA and regions', async () => {
    await renderWith(async () => allSkus);

    const row = (await screen.findByText('scy-ring-9')).closest('tr')!;
    expect(within(row).getByText('ScyllaDB')).toBeInTheDocument();
    expect(within(row).getByText('Global')).toBeInTheDocument();
    expect(within(row).getByText('99.95%')).toBeInTheDocument();
    expect(
      within(row).getByText(
        'lagos, johannesburg, frankfurt, ashburn, singapore',
      ),
    ).toBeInTheDocument();
    // One row per SKU plus the header row.
    expect(screen.getAllByRole('row')).toHaveLength(allSkus.length + 1);
  });

  it('narrows the list to what the search matches', async () => {
    await renderWith(async () => allSkus);
    await screen.findByText('yb-shared');

    await userEvent.type(screen.getByPlaceholderText('Filter'), 'aerospike');

    await waitFor(() =>
      expect(screen.queryByText('yb-shared')).not.toBeInTheDocument(),
    );
    expect(screen.getByText('aero-strong-3')).toBeInTheDocument();
    expect(screen.getByText('aero-strong-5')).toBeInTheDocument();
  });

  it('shows what the backend said when the request fails', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'InputError', message: 'Invalid SKU filter: engine' },
        request: { method: 'GET', url: '/api/dbaas/v1/catalog/skus' },
        response: { statusCode: 400 },
      }),
      {
        status: 400,
        statusText: 'Bad Request',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    await renderWith(async () => {
      throw error;
    });

    expect(
      await screen.findByText(/Invalid SKU filter: engine/),
    ).toBeInTheDocument();
  });

  it('says so when the catalog is empty', async () => {
    await renderWith(async () => []);

    expect(await screen.findByText('No SKUs are offered.')).toBeInTheDocument();
  });
});
