import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  dbaasPlatformReadPermission,
  type PlatformOverview,
} from '@internal/backstage-plugin-dbaas-common';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mutate } from 'swr';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { dbaasPlugin } from '../../plugin';

const PAYMENTS = 'group:default/payments';

const overview: PlatformOverview = {
  organizations: [
    {
      id: 'group:default/acme',
      title: 'Acme',
      tenants: [{ id: PAYMENTS, title: 'Payments' }],
      quotas: [
        {
          tenant: PAYMENTS,
          quota: {
            instances: 10,
            storageGi: 1000,
            cpu: 32,
            memoryGi: 128,
            backups: 50,
            cdcPipelines: 20,
          },
          usage: {
            instances: 3,
            storageGi: 100,
            cpu: 4,
            memoryGi: 16,
            backups: 2,
            cdcPipelines: 0,
          },
        },
      ],
    },
    {
      id: 'group:default/globex',
      title: 'Globex',
      tenants: [],
      quotas: [],
    },
  ],
  ceiling: {},
  pops: [
    {
      id: 'lagos',
      displayName: 'Lagos',
      databases: 3,
      byEngine: { postgresql: 2, mongodb: 1 },
      byPhase: { active: 1, failed: 1, pending: 1 },
    },
    {
      id: 'frankfurt',
      displayName: 'Frankfurt',
      databases: 0,
      byEngine: {},
      byPhase: {},
    },
  ],
  troubled: [
    {
      id: '5a1f4a56-7f63-4f0c-9d0e-0c6f9b7a1d11',
      name: 'orders',
      tenant: PAYMENTS,
      organization: 'group:default/acme',
      engine: 'postgresql',
      region: 'lagos',
      status: 'failed',
      problem: 'failed',
      createdAt: new Date(Date.now() - 3 * 3_600_000).toISOString(),
      since: new Date(Date.now() - 2 * 3_600_000).toISOString(),
      lastStep: {
        step: 'failed',
        generation: 1,
        at: new Date(Date.now() - 2 * 3_600_000).toISOString(),
        cluster: 'lagos',
        detail: 'the volume could not be bound',
      },
    },
    {
      id: '6b2f4a56-7f63-4f0c-9d0e-0c6f9b7a1d22',
      name: 'ledger',
      tenant: PAYMENTS,
      organization: 'group:default/acme',
      engine: 'mongodb',
      region: 'lagos',
      status: 'pending',
      problem: 'stuck',
      createdAt: new Date(Date.now() - 40 * 60_000).toISOString(),
      since: new Date(Date.now() - 40 * 60_000).toISOString(),
    },
  ],
  troubledTotal: 2,
  stuckAfterMinutes: 15,
};

function renderAt(path: string, options: { admin: boolean }) {
  const getPlatformOverview = jest.fn(async () => overview);
  const api: Partial<DbaasApi> = {
    getPlatformOverview,
    listOrganizations: async () => [],
    listQuotas: async () => [],
    listServices: async () => ({
      data: [],
      pagination: { page: 1, limit: 20, total: 0 },
    }),
    listRegions: async () => [],
  };
  const permissionApi = {
    authorize: jest.fn(async (request: { permission: { name: string } }) => ({
      result:
        options.admin &&
        request.permission.name === dbaasPlatformReadPermission.name
          ? 'ALLOW'
          : 'DENY',
    })),
  };
  renderTestApp({
    features: [dbaasPlugin],
    initialRouteEntries: [path],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [dbaasApiRef, api as DbaasApi],
      [permissionApiRef, permissionApi as any],
    ],
  });
  return { getPlatformOverview };
}

describe('the platform screen', () => {
  // usePermission keeps its answers in SWR's module-wide cache: an admin's
  // answer would otherwise be shown to the non-admin of the next test.
  afterEach(async () => {
    cleanup();
    await mutate(() => true, undefined, { revalidate: true });
  });

  it('leads a platform admin from the Databases page to every tenant, PoP and troubled database', async () => {
    renderAt('/databases', { admin: true });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Platform' }),
    );

    // Failed and stuck databases, each leading to its page.
    const troubled = await screen.findByRole('heading', {
      name: 'Failed and stuck databases (2)',
    });
    expect(troubled).toBeInTheDocument();
    const orders = screen.getByRole('link', { name: 'orders' });
    expect(orders).toHaveAttribute(
      'href',
      expect.stringMatching(/\/catalog\/default\/resource\/payments\.orders$/),
    );
    const ordersRow = orders.closest('tr')!;
    expect(within(ordersRow).getByText('Failed')).toBeInTheDocument();
    expect(within(ordersRow).getByText('2h')).toBeInTheDocument();
    expect(
      within(ordersRow).getByText('the volume could not be bound'),
    ).toBeInTheDocument();
    const ledgerRow = screen
      .getByRole('link', { name: 'ledger' })
      .closest('tr')!;
    expect(within(ledgerRow).getByText('stuck')).toBeInTheDocument();
    expect(within(ledgerRow).getByText('none yet')).toBeInTheDocument();

    // Tenants with their usage against quota.
    expect(
      screen.getByRole('heading', { name: 'Tenants of 2 organizations (1)' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('progressbar', { name: 'Instances used by Payments' }),
    ).toHaveAttribute('aria-valuetext', '3 of 10');

    // PoPs with the databases they hold.
    const lagos = screen.getByText('Lagos').closest('tr')!;
    expect(within(lagos).getByText('3')).toBeInTheDocument();
    expect(
      within(lagos).getByText('PostgreSQL 2, MongoDB 1'),
    ).toBeInTheDocument();
    const frankfurt = screen.getByText('Frankfurt').closest('tr')!;
    expect(within(frankfurt).getByText('0')).toBeInTheDocument();
  });

  it('offers others no Platform button, and tells them the page is for platform admins', async () => {
    const { getPlatformOverview } = renderAt('/databases', { admin: false });
    await screen.findByRole('heading', { name: 'Databases of your teams' });
    // The answer of the permission backend has come when the page settled.
    await screen.findByText(/not in any organization yet/);
    expect(
      screen.queryByRole('button', { name: 'Platform' }),
    ).not.toBeInTheDocument();

    cleanup();
    renderAt('/databases/platform', { admin: false });
    expect(
      await screen.findByText(/This page is for platform admins/),
    ).toBeInTheDocument();
    expect(getPlatformOverview).not.toHaveBeenCalled();
  });
});
