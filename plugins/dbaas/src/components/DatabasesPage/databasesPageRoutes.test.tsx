import { coreApis } from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  describeSku,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import {
  examplePops,
  exampleSkuCatalog,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { dbaasPlugin } from '../../plugin';

const orders: ServiceSummary = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'orders',
  tenant: 'group:default/payments',
  organization: 'group:default/acme',
  engine: 'postgresql',
  plan: 'shared',
  region: 'lagos',
  status: 'active',
  createdAt: '2025-06-01T00:00:00Z',
  updatedAt: '2025-06-01T00:00:00Z',
};

const api: Partial<DbaasApi> = {
  listOrganizations: async () => [],
  listServices: async () => ({
    data: [orders],
    pagination: { page: 1, limit: 20, total: 1 },
  }),
  listSkus: async () =>
    exampleSkuCatalog.skus.map(sku => describeSku(exampleSkuCatalog, sku)),
  listRegions: async () => examplePops,
};

function renderAt(path: string) {
  return renderTestApp({
    features: [dbaasPlugin],
    initialRouteEntries: [path],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [[dbaasApiRef, api as DbaasApi]],
  });
}

describe('the Databases pages', () => {
  it('shows the databases at /databases, where the sidebar leads', async () => {
    const { apis } = renderAt('/databases');

    expect(await screen.findByRole('link', { name: 'orders' })).toBeVisible();
    expect(apis.get(coreApis.appHistory)!.getSnapshot().location.pathname).toBe(
      '/databases',
    );
  });

  it('leads from there to the service catalog, at /databases/catalog', async () => {
    const { apis } = renderAt('/databases');
    await screen.findByRole('link', { name: 'orders' });

    // MUI gives a link styled as a button the button role.
    await userEvent.click(
      screen.getByRole('button', { name: 'Service catalog' }),
    );

    expect(await screen.findByText('scy-ring-9')).toBeVisible();
    expect(screen.queryByRole('link', { name: 'orders' })).toBeNull();
    expect(apis.get(coreApis.appHistory)!.getSnapshot().location.pathname).toBe(
      '/databases/catalog',
    );
  });

  it('serves the service catalog at its own address too', async () => {
    renderAt('/databases/catalog');

    expect(await screen.findByText('scy-ring-9')).toBeVisible();
    expect(screen.getByText('Databases you can order')).toBeInTheDocument();
  });
});
