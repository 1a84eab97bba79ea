import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import {
  DBAAS_SIGNAL_CHANNEL,
  engineBackups,
  type Backup,
  type ListServicesQuery,
  type Organization,
  type Page,
  type ServiceStatus,
  type ServiceSummary,
  type TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import { examplePops } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { rootRouteRef } from '../../routes';
import { toDateTimeLocal } from '../DatabaseBackups/dateTimeLocal';
import { DatabasesPage } from './DatabasesPage';

const organizations: Organization[] = [
  {
    id: 'group:default/acme',
    title: 'Acme',
    tenants: [
      { id: 'group:default/payments', title: 'Payments' },
      { id: 'group:default/search', title: 'Search' },
    ],
  },
];

const quota = (tenant: string, instances: number): TenantQuotaUsage => ({
  tenant,
  quota: {
    instances: 10,
    storageGi: 1000,
    cpu: 32,
    memoryGi: 128,
    backups: 50,
    cdcPipelines: 20,
  },
  usage: {
    instances,
    storageGi: 100,
    cpu: 4,
    memoryGi: 16,
    backups: 3,
    cdcPipelines: 0,
  },
});

const hour = 3_600_000;

function database(
  index: number,
  overrides: Partial<ServiceSummary> = {},
): ServiceSummary {
  const createdAt = new Date(Date.now() - (index + 1) * hour).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: `db-${index}`,
    tenant: 'group:default/payments',
    organization: 'group:default/acme',
    engine: 'postgresql',
    plan: 'shared',
    region: 'lagos',
    status: 'active',
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

/**
 * `GET /services` over a list, as the backend answers it: the live databases,
 * or with `deleted=true` the deleted ones, filtered, then one page.
 */
function servicesOf(list: () => ServiceSummary[]) {
  return jest.fn(
    async (
      query: Partial<ListServicesQuery> = {},
    ): Promise<Page<ServiceSummary>> => {
      const { page = 1, limit = 20 } = query;
      const matching = list().filter(
        s =>
          (query.deleted === 'true') === (s.deletedAt !== undefined) &&
          (!query.engine || s.engine === query.engine) &&
          (!query.plan || s.plan === query.plan) &&
          (!query.region || s.region === query.region) &&
          (!query.status || s.status === query.status) &&
          (!query.tenant || s.tenant === query.tenant) &&
          (!query.q || s.name.includes(query.q)),
      );
      return {
        data: matching.slice((page - 1) * limit, page * limit),
        pagination: { page, limit, total: matching.length },
      };
    },
  );
}

function signalBus() {
  const listeners = new Set<(message: any) => void>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const listener = onMessage as (message: any) => void;
      if (channel === DBAAS_SIGNAL_CHANNEL) listeners.add(listener);
      return { unsubscribe: () => listeners.delete(listener) };
    },
  };
  const send = (message: object) =>
    act(() => listeners.forEach(listener => listener(message)));
  return { api, send };
}

async function apiError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        request: { method: 'GET', url: '/api/dbaas/v1/services' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

function renderPage(apis: Partial<DbaasApi>, signals = signalBus()) {
  const api: Partial<DbaasApi> = {
    listOrganizations: async () => organizations,
    listRegions: async () => examplePops,
    listQuotas: async () => [
      quota('group:default/payments', 2),
      quota('group:default/search', 0),
    ],
    // Without prices: no cost.
    getBudgets: async () => ({ data: [] }),
    ...apis,
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [dbaasApiRef, api],
        [signalApiRef, signals.api],
      ]}
    >
      <DatabasesPage />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/databases': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

/** The queries of the databases table, not of the recently deleted ones. */
const liveQueries = (listServices: jest.Mock) =>
  listServices.mock.calls
    .map(([query]) => query)
    .filter(query => query?.deleted === undefined);

const lastQuery = (listServices: jest.Mock) => liveQueries(listServices).pop();

describe('DatabasesPage', () => {
  it('lists the databases with tenant, engine, plan, region, phase and age, each linked to its catalog page', async () => {
    const listServices = servicesOf(() => [
      database(0, {
        name: 'orders',
        engine: 'scylla',
        plan: 'global',
        region: 'frankfurt',
        status: 'provisioning',
      }),
      database(40, { name: 'ledger', tenant: 'group:default/search' }),
    ]);
    await renderPage({ listServices });

    const link = await screen.findByRole('link', { name: 'orders' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/resource/payments.orders',
    );
    const row = link.closest('tr')!;
    for (const text of [
      'Payments',
      'ScyllaDB',
      'Global',
      'Frankfurt',
      'Provisioning',
      '1h',
    ]) {
      expect(within(row).getByText(text)).toBeInTheDocument();
    }
    const ledger = screen.getByRole('link', { name: 'ledger' }).closest('tr')!;
    expect(within(ledger).getByText('Search')).toBeInTheDocument();
    expect(within(ledger).getByText('PostgreSQL')).toBeInTheDocument();
    expect(within(ledger).getByText('41h')).toBeInTheDocument();
    expect(screen.getByText('Databases (2)')).toBeInTheDocument();
    expect(listServices).toHaveBeenCalledWith({ page: 1, limit: 20 });
  });

  it('asks the API for what the filters choose, from page 1', async () => {
    const listServices = servicesOf(() => [
      database(0, { name: 'orders' }),
      database(1, {
        name: 'sessions',
        engine: 'dragonfly',
        plan: 'dedicated',
        region: 'singapore',
        status: 'failed',
        tenant: 'group:default/search',
      }),
    ]);
    await renderPage({ listServices });
    await screen.findByRole('link', { name: 'orders' });

    await userEvent.selectOptions(
      screen.getByLabelText('Engine'),
      'DragonflyDB',
    );
    await userEvent.selectOptions(screen.getByLabelText('Plan'), 'Dedicated');
    await userEvent.selectOptions(screen.getByLabelText('Region'), 'Singapore');
    await userEvent.selectOptions(screen.getByLabelText('Phase'), 'Failed');
    await userEvent.selectOptions(screen.getByLabelText('Tenant'), 'Search');

    await waitFor(() =>
      expect(lastQuery(listServices)).toEqual({
        engine: 'dragonfly',
        plan: 'dedicated',
        region: 'singapore',
        status: 'failed',
        tenant: 'group:default/search',
        page: 1,
        limit: 20,
      }),
    );
    expect(
      await screen.findByRole('link', { name: 'sessions' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: 'orders' }),
    ).not.toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Engine'), 'All');
    await waitFor(() =>
      expect(lastQuery(listServices)).toEqual({
        plan: 'dedicated',
        region: 'singapore',
        status: 'failed',
        tenant: 'group:default/search',
        page: 1,
        limit: 20,
      }),
    );
  });

  it('says so when nothing matches the filters', async () => {
    const listServices = servicesOf(() => [database(0)]);
    await renderPage({ listServices });
    await screen.findByRole('link', { name: 'db-0' });

    await userEvent.selectOptions(screen.getByLabelText('Engine'), 'ScyllaDB');

    expect(
      await screen.findByText('No databases match these filters.'),
    ).toBeInTheDocument();
  });

  it('searches names once typing pauses, with one request for the whole word', async () => {
    const listServices = servicesOf(() => [
      database(0, { name: 'orders' }),
      database(1, { name: 'payments' }),
    ]);
    await renderPage({ listServices });
    await screen.findByRole('link', { name: 'orders' });

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search by name' }),
      'pay',
    );

    await waitFor(() =>
      expect(
        screen.queryByRole('link', { name: 'orders' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('link', { name: 'payments' })).toBeInTheDocument();
    const searches = liveQueries(listServices)
      .map(query => query?.q)
      .filter(Boolean);
    expect(searches).toEqual(['pay']);
    expect(lastQuery(listServices)).toEqual({ q: 'pay', page: 1, limit: 20 });
  });

  it('pages through 5,000 databases on the server', async () => {
    const all = Array.from({ length: 5000 }, (_, i) => database(i));
    const listServices = servicesOf(() => all);
    await renderPage({ listServices });

    expect(await screen.findByText('Databases (5,000)')).toBeInTheDocument();
    expect(screen.getAllByText('1-20 of 5000')).not.toHaveLength(0);
    // One page of rows, not 5,000.
    expect(screen.getAllByRole('link', { name: /^db-/ })).toHaveLength(20);

    await userEvent.click(screen.getByRole('button', { name: 'Next Page' }));

    expect(await screen.findByRole('link', { name: 'db-20' })).toBeVisible();
    expect(screen.getAllByText('21-40 of 5000')).not.toHaveLength(0);
    expect(
      screen.queryByRole('link', { name: 'db-0' }),
    ).not.toBeInTheDocument();
    expect(lastQuery(listServices)).toEqual({ page: 2, limit: 20 });
  });

  it('keeps the rows shown, with a progress bar, while a slow page loads', async () => {
    const all = Array.from({ length: 50 }, (_, i) => database(i));
    const pageOne = servicesOf(() => all);
    let answerPageTwo: () => void = () => {};
    const listServices = jest.fn(async (query: Partial<ListServicesQuery>) => {
      if (query.page === 2) {
        await new Promise<void>(resolve => {
          answerPageTwo = resolve;
        });
      }
      return pageOne(query);
    });
    await renderPage({ listServices });
    await screen.findByRole('link', { name: 'db-0' });

    await userEvent.click(screen.getByRole('button', { name: 'Next Page' }));

    expect(
      await screen.findByRole('progressbar', { name: 'Loading databases' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'db-0' })).toBeInTheDocument();

    await act(async () => answerPageTwo());
    expect(await screen.findByRole('link', { name: 'db-20' })).toBeVisible();
    expect(
      screen.queryByRole('progressbar', { name: 'Loading databases' }),
    ).toBeNull();
  });

  it('shows 100 databases a page when asked, the most the API gives', async () => {
    const all = Array.from({ length: 5000 }, (_, i) => database(i));
    const listServices = servicesOf(() => all);
    await renderPage({ listServices });
    await screen.findAllByText('1-20 of 5000');

    await userEvent.click(screen.getByRole('button', { name: /20 rows/ }));
    await userEvent.click(await screen.findByRole('option', { name: '100' }));

    expect(await screen.findAllByText('1-100 of 5000')).not.toHaveLength(0);
    expect(screen.getAllByRole('link', { name: /^db-/ })).toHaveLength(100);
    expect(lastQuery(listServices)).toEqual({ page: 1, limit: 100 });
  });

  it('welcomes a team without databases with the way to order one', async () => {
    await renderPage({ listServices: servicesOf(() => []) });

    expect(await screen.findByText('No databases yet')).toBeInTheDocument();
    // MUI gives a link styled as a button the button role.
    const orderLinks = screen.getAllByRole('button', { name: 'New database' });
    expect(orderLinks).toHaveLength(2);
    for (const link of orderLinks) {
      expect(link).toHaveAttribute(
        'href',
        '/create/templates/default/new-database',
      );
    }
    // And the way to see what there is to order, in the empty state too.
    const catalogLinks = screen.getAllByRole('button', {
      name: 'Service catalog',
    });
    expect(catalogLinks).toHaveLength(2);
    for (const link of catalogLinks) {
      expect(link).toHaveAttribute('href', '/databases/catalog');
    }
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows progress while the databases load', async () => {
    await renderPage({ listServices: () => new Promise(() => {}) });

    expect(
      await screen.findByRole('progressbar', {
        name: 'Loading your databases',
      }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Search by name')).toBeInTheDocument();
    expect(screen.queryByText(/Databases \(/)).not.toBeInTheDocument();
  });

  it('shows what the API said when the databases cannot be listed', async () => {
    const error = await apiError(
      429,
      'Too many requests: 100 a minute, try again in 12 seconds',
    );
    await renderPage({
      listServices: async query => {
        if (query?.deleted) return servicesOf(() => [])(query);
        throw error;
      },
    });

    expect(
      await screen.findByText(
        'Too many requests: 100 a minute, try again in 12 seconds',
      ),
    ).toBeVisible();
    expect(
      screen.getByText(/Could not load your databases/),
    ).toBeInTheDocument();
    // The filters stay, to undo whatever led to the error.
    expect(screen.getByLabelText('Engine')).toBeInTheDocument();
  });

  it('still lists the databases when the organizations cannot be read', async () => {
    const error = await apiError(503, 'The catalog is not answering');
    await renderPage({
      listServices: servicesOf(() => [database(0, { name: 'orders' })]),
      listOrganizations: async () => {
        throw error;
      },
    });

    expect(
      await screen.findByText('The catalog is not answering'),
    ).toBeVisible();
    const row = (await screen.findByRole('link', { name: 'orders' })).closest(
      'tr',
    )!;
    // Without the organizations, the tenant shows by its group's name.
    expect(within(row).getByText('payments')).toBeInTheDocument();
  });

  it('shows the quota each tenant has used', async () => {
    await renderPage({ listServices: servicesOf(() => [database(0)]) });

    const bar = await screen.findByRole('progressbar', {
      name: 'Instances used by Payments',
    });
    expect(bar).toHaveAttribute('aria-valuetext', '2 of 10');
    expect(
      screen.getByRole('progressbar', { name: 'Instances used by Search' }),
    ).toHaveAttribute('aria-valuetext', '0 of 10');
  });

  it("shows each database's monthly price and each tenant's monthly cost, when the platform has prices", async () => {
    const price = {
      currency: 'USD',
      total: 156,
      breakdown: { base: 100, cpu: 30, memory: 16, storage: 10 },
    };
    await renderPage({
      listServices: servicesOf(() => [
        database(0, { name: 'orders', monthlyPrice: price }),
        database(1, { name: 'ledger', plan: 'global' }),
      ]),
      getBudgets: async () => ({
        currency: 'USD',
        data: [
          {
            tenant: 'group:default/payments',
            monthlyCost: 312,
            monthlyBudget: 380,
            thresholdReached: 80,
          },
          { tenant: 'group:default/search', monthlyCost: 0 },
        ],
      }),
    });
    const orders = (
      await screen.findByRole('link', { name: 'orders' })
    ).closest('tr')!;
    const cell = within(orders).getByText('$156.00');
    expect(cell).toHaveAttribute(
      'title',
      'Plan $100.00 + CPU $30.00 + memory $16.00 + storage $10.00 a month',
    );
    const ledger = screen.getByRole('link', { name: 'ledger' }).closest('tr')!;
    expect(within(ledger).getByText('Not priced')).toBeInTheDocument();
    expect(
      await screen.findByText('$312.00 of $380.00 a month (82%)'),
    ).toBeInTheDocument();
    expect(screen.getByText('$0.00 a month')).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Quota usage and monthly cost' }),
    ).toBeInTheDocument();
  });

  it('shows no price and no cost without prices', async () => {
    await renderPage({ listServices: servicesOf(() => [database(0)]) });
    await screen.findByRole('link', { name: 'db-0' });
    await screen.findByRole('progressbar', {
      name: 'Instances used by Payments',
    });
    expect(
      screen.queryByRole('columnheader', { name: 'Monthly price' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('columnheader', { name: 'Monthly cost' }),
    ).not.toBeInTheDocument();
  });

  it('shows a new phase and the new usage when the backend announces a change', async () => {
    let status: ServiceStatus = 'provisioning';
    let used = 1;
    const listServices = servicesOf(() => [
      database(0, { name: 'orders', status }),
    ]);
    const listQuotas = jest.fn(async () => [
      quota('group:default/payments', used),
    ]);
    const signals = signalBus();
    await renderPage({ listServices, listQuotas }, signals);
    const row = (await screen.findByRole('link', { name: 'orders' })).closest(
      'tr',
    )!;
    expect(within(row).getByText('Provisioning')).toBeInTheDocument();
    const callsBefore = liveQueries(listServices).length;

    status = 'active';
    used = 2;
    signals.send({
      id: database(0).id,
      tenant: 'group:default/payments',
      action: 'status',
      status: 'active',
    });

    await waitFor(
      () =>
        expect(
          within(
            screen.getByRole('link', { name: 'orders' }).closest('tr')!,
          ).getByText('Active'),
        ).toBeInTheDocument(),
      { timeout: 3000 },
    );
    await waitFor(() =>
      expect(
        screen.getByRole('progressbar', { name: 'Instances used by Payments' }),
      ).toHaveAttribute('aria-valuetext', '2 of 10'),
    );
    // The page shown reloads once, not the whole list.
    expect(liveQueries(listServices).length).toBe(callsBefore + 1);
    expect(lastQuery(listServices)).toEqual({ page: 1, limit: 20 });
  });

  describe('recently deleted databases', () => {
    const minute = 60_000;
    const ledgerId = '00000000-0000-4000-8000-00000000ffff';
    const ledger = (overrides: Partial<ServiceSummary> = {}) =>
      database(3, {
        id: ledgerId,
        name: 'ledger',
        deletedAt: new Date(Date.now() - hour).toISOString(),
        ...overrides,
      });
    const completed: Backup = {
      id: '0b6c1d7e-2f3a-4b5c-8d9e-1f2a3b4c5d6e',
      serviceId: ledgerId,
      type: 'final',
      status: 'completed',
      createdAt: new Date(Date.now() - 3.5 * hour).toISOString(),
      startedAt: new Date(Date.now() - 3.5 * hour).toISOString(),
      completedAt: new Date(Date.now() - 3 * hour).toISOString(),
      createdBy: 'system',
    };
    const accepted = (
      request: Parameters<DbaasApi['restoreService']>[1],
    ): ReturnType<DbaasApi['restoreService']> =>
      Promise.resolve({
        restoreId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        serviceId: ledgerId,
        backupId: request.backupId,
        ...(request.pointInTime ? { pointInTime: request.pointInTime } : {}),
        targetServiceId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
        targetName: request.targetName,
        status: 'pending',
        createdBy: 'user:default/guest',
        createdAt: new Date().toISOString(),
      });
    const deletedQueries = (listServices: jest.Mock) =>
      listServices.mock.calls
        .map(([query]) => query)
        .filter(query => query?.deleted === 'true');

    /** Opens the backups of a deleted database, then the restore of its backup. */
    async function openRestore(name: string) {
      await userEvent.click(
        await screen.findByRole('button', { name: `Backups of ${name}` }),
      );
      const backups = screen.getByRole('dialog', {
        name: new RegExp(`^Backups of ${name}, deleted `),
      });
      const restore = await within(backups).findByRole('button', {
        name: /^Restore the backup of/,
      });
      await userEvent.click(restore);
      return screen.getByRole('dialog', {
        name: /^Restore the backup of .* into a new database$/,
      });
    }

    it('lists them below the databases with their tenant, engine and when they were deleted', async () => {
      const deleted = ledger();
      const listServices = servicesOf(() => [
        database(0, { name: 'orders' }),
        deleted,
      ]);
      await renderPage({ listServices });

      expect(
        await screen.findByText('Recently deleted (1)'),
      ).toBeInTheDocument();
      const row = screen.getByText('ledger').closest('tr')!;
      expect(within(row).getByText('Payments')).toBeInTheDocument();
      expect(within(row).getByText('PostgreSQL')).toBeInTheDocument();
      expect(row.querySelector('time')).toHaveAttribute(
        'dateTime',
        deleted.deletedAt,
      );
      // Its catalog page went with it.
      expect(
        screen.queryByRole('link', { name: 'ledger' }),
      ).not.toBeInTheDocument();
      expect(screen.getByText('Databases (1)')).toBeInTheDocument();
      expect(deletedQueries(listServices)).toEqual([
        { deleted: 'true', page: 1, limit: 5 },
      ]);
    });

    it('shows nothing of them when there are none', async () => {
      const listServices = servicesOf(() => [database(0, { name: 'orders' })]);
      await renderPage({ listServices });
      await screen.findByRole('link', { name: 'orders' });
      await waitFor(() => expect(deletedQueries(listServices)).toHaveLength(1));
      await act(async () => {});

      expect(screen.queryByText(/Recently deleted/)).not.toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: /^Backups of/ }),
      ).not.toBeInTheDocument();
      expect(
        screen.queryByText(/Could not load your recently deleted/),
      ).not.toBeInTheDocument();
    });

    it('pages through them on the server, also when no database is left', async () => {
      const all = Array.from({ length: 7 }, (_, i) =>
        database(i, {
          name: `gone-${i}`,
          deletedAt: new Date(Date.now() - i * minute).toISOString(),
        }),
      );
      const listServices = servicesOf(() => all);
      await renderPage({ listServices });

      expect(
        await screen.findByText('Recently deleted (7)'),
      ).toBeInTheDocument();
      expect(screen.getByText('No databases yet')).toBeInTheDocument();
      expect(screen.getAllByText(/^gone-/)).toHaveLength(5);

      await userEvent.click(screen.getByRole('button', { name: 'Next Page' }));

      expect(await screen.findByText('gone-5')).toBeInTheDocument();
      expect(screen.queryByText('gone-0')).not.toBeInTheDocument();
      expect(deletedQueries(listServices).pop()).toEqual({
        deleted: 'true',
        page: 2,
        limit: 5,
      });
    });

    it('restores a backup into a new database, by default of the deleted one’s name, and links to it', async () => {
      const listBackups = jest.fn(async () => [completed]);
      const restoreService = jest.fn(
        (_id: string, request: Parameters<DbaasApi['restoreService']>[1]) =>
          accepted(request),
      );
      await renderPage({
        listServices: servicesOf(() => [ledger()]),
        listBackups,
        restoreService,
      });

      const dialog = await openRestore('ledger');
      expect(listBackups).toHaveBeenCalledWith(ledgerId);
      expect(
        within(dialog).getByRole('textbox', { name: /New database name/ }),
      ).toHaveValue('ledger');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );

      expect(restoreService).toHaveBeenCalledWith(ledgerId, {
        backupId: completed.id,
        targetName: 'ledger',
      });
      const status = await within(dialog).findByRole('status');
      expect(status).toHaveTextContent(
        'Restore requested: the new database ledger is provisioning from the backup. Its page shows its progress.',
      );
      expect(
        within(status).getByRole('link', { name: 'ledger' }),
      ).toHaveAttribute('href', '/catalog/default/resource/payments.ledger');
    });

    it('refuses a point in time after the deletion, and sends one before it', async () => {
      const deleted = ledger();
      const restoreService = jest.fn(
        (_id: string, request: Parameters<DbaasApi['restoreService']>[1]) =>
          accepted(request),
      );
      await renderPage({
        listServices: servicesOf(() => [deleted]),
        listBackups: async () => [completed],
        restoreService,
      });
      const dialog = await openRestore('ledger');
      await userEvent.click(
        within(dialog).getByRole('radio', { name: 'A point in time after it' }),
      );
      const input = within(dialog).getByLabelText(/Point in time/);
      // The log ends at the deletion, an hour before the usual five minutes ago.
      const deletedAt = Date.parse(deleted.deletedAt!);
      expect(input).toHaveAttribute(
        'max',
        toDateTimeLocal(new Date(Math.floor(deletedAt / minute) * minute)),
      );
      expect(dialog).toHaveTextContent('(when ledger was deleted)');

      const after = new Date(deletedAt + 30 * minute);
      await userEvent.clear(input);
      await userEvent.type(input, toDateTimeLocal(after));
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^Choose a time between/,
      );
      expect(restoreService).not.toHaveBeenCalled();

      const before = new Date(deletedAt - 30 * minute);
      before.setSeconds(0, 0);
      await userEvent.clear(input);
      await userEvent.type(input, toDateTimeLocal(before));
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );
      expect(restoreService).toHaveBeenCalledWith(ledgerId, {
        backupId: completed.id,
        targetName: 'ledger',
        pointInTime: before.toISOString(),
      });
    });

    it('offers no restore where the engine cannot, and says why', async () => {
      const restoreService = jest.fn();
      await renderPage({
        listServices: servicesOf(() => [ledger({ engine: 'dragonfly' })]),
        listBackups: async () => [completed],
        restoreService,
      });

      await userEvent.click(
        await screen.findByRole('button', { name: 'Backups of ledger' }),
      );
      const dialog = screen.getByRole('dialog', { name: /^Backups of ledger/ });
      const restore = await within(dialog).findByRole('button', {
        name: /^Restore the backup of/,
      });
      const reason = (engineBackups.dragonfly.restore as { reason: string })
        .reason;
      expect(restore).toBeDisabled();
      expect(restore).toHaveAccessibleDescription(reason);
      expect(within(dialog).getByText(reason)).toBeVisible();
      expect(restoreService).not.toHaveBeenCalled();
    });

    it('shows what the API said when the backups cannot be read', async () => {
      const error = await apiError(503, 'The backup store is not answering');
      await renderPage({
        listServices: servicesOf(() => [ledger()]),
        listBackups: async () => {
          throw error;
        },
      });

      await userEvent.click(
        await screen.findByRole('button', { name: 'Backups of ledger' }),
      );
      const dialog = screen.getByRole('dialog', { name: /^Backups of ledger/ });
      expect(
        await within(dialog).findByText('The backup store is not answering'),
      ).toBeVisible();
      expect(
        within(dialog).getByText(/Could not load the backups/),
      ).toBeInTheDocument();
    });
  });
});
