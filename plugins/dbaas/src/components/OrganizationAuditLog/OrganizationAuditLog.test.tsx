import type {
  AuditLogEntry,
  AuditLogQuery,
  Page,
} from '@internal/backstage-plugin-dbaas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ACME,
  renderOrganizationPart,
} from '../OrganizationPage/__testUtils__/organizationFixtures';
import { OrganizationAuditLog } from './OrganizationAuditLog';

const ORDERS = '6f1c2a9e-0b7d-4e43-9a51-3c2d1e0f9a8b';

const event = (
  n: number,
  overrides: Partial<AuditLogEntry> = {},
): AuditLogEntry => ({
  id: `e-${n}`,
  tenant: 'group:default/payments',
  organization: ACME.id,
  actor: 'user:default/ada',
  action: 'service.update',
  resourceType: 'database',
  resourceId: ORDERS,
  requestId: `r-${n}`,
  outcome: 'succeeded',
  occurredAt: new Date(Date.UTC(2026, 11, 4, 10, 0) - n * 60_000).toISOString(),
  ...overrides,
});

const EVENTS: AuditLogEntry[] = [
  event(0, {
    details: { change: 'storage 100Gi → 200Gi' },
    database: {
      id: ORDERS,
      name: 'orders',
      tenant: 'group:default/payments',
    },
  }),
  event(1, {
    action: 'service.delete',
    resourceId: 'd0d0d0d0-0000-4000-8000-000000000000',
    database: {
      id: 'd0d0d0d0-0000-4000-8000-000000000000',
      name: 'old',
      tenant: 'group:default/payments',
      deleted: true,
    },
  }),
  event(2, {
    tenant: ACME.id,
    actor: 'user:default/root',
    action: 'member.grant',
    resourceType: 'role-grant',
    resourceId: 'user:default/olu',
    details: { role: 'org-admin', scope: ACME.id },
  }),
  event(4, {
    tenant: 'group:default/search',
    actor: 'user:default/root',
    action: 'quota.set',
    resourceType: 'quota',
    resourceId: 'group:default/search',
    details: { quota: { instances: 12, storageGi: 2048 } },
  }),
  event(3, {
    tenant: 'group:default/search',
    actor: 'user:default/kwame',
    action: 'service.create',
    resourceId: '',
    outcome: 'failed',
    details: {
      error: 'QuotaExceededError',
      message: 'group:default/search would use 2 of its 1 databases',
    },
  }),
];

function render(
  listAuditEvents: jest.Mock = jest.fn(
    async (query: Partial<AuditLogQuery>): Promise<Page<AuditLogEntry>> => ({
      data: EVENTS,
      pagination: { page: query.page ?? 1, limit: query.limit ?? 20, total: 5 },
    }),
  ),
) {
  renderOrganizationPart(<OrganizationAuditLog organization={ACME} />, {
    api: { listAuditEvents },
  });
  return listAuditEvents;
}

const lastQuery = (mock: jest.Mock) => mock.mock.calls.at(-1)[0];

describe('OrganizationAuditLog', () => {
  it("lists the organization's events newest first, each about a database linked to its page", async () => {
    const listAuditEvents = render();

    const link = await screen.findByRole('link', { name: 'orders' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/resource/payments.orders',
    );
    const update = link.closest('tr')!;
    for (const text of [
      'Database changed',
      'service.update',
      'Done',
      'Payments',
      'ada',
      'storage 100Gi → 200Gi',
    ]) {
      expect(within(update).getByText(text)).toBeInTheDocument();
    }
    // A deleted database has no page to link to.
    expect(screen.getByText('old (deleted)')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /old/ })).toBeNull();
    const grant = screen
      .getByText('Role granted', { selector: 'p' })
      .closest('tr')!;
    expect(within(grant).getByText('Acme')).toBeInTheDocument();
    // Who acted and whose role it is, as the catalog names them.
    expect(within(grant).getByRole('link', { name: 'root' })).toHaveAttribute(
      'href',
      '/catalog/default/user/root',
    );
    expect(within(grant).getByText(/Role of/)).toHaveTextContent('Role of olu');
    expect(
      within(grant).getByText('Org admin on the whole organization'),
    ).toBeInTheDocument();
    const quota = screen
      .getByText('Quota set', { selector: 'p' })
      .closest('tr')!;
    expect(within(quota).getByText('Quota of Search')).toBeInTheDocument();
    expect(
      within(quota).getByText('Instances 12, Storage 2,048 GiB'),
    ).toBeInTheDocument();
    const refused = screen
      .getByText('Refused', { selector: 'p' })
      .closest('tr')!;
    expect(
      within(refused).getByText(
        'group:default/search would use 2 of its 1 databases',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Audit log (5)')).toBeInTheDocument();
    expect(listAuditEvents).toHaveBeenCalledWith({
      organization: ACME.id,
      page: 1,
      limit: 20,
    });
  });

  it('narrows the log by tenant, action, user and time range', async () => {
    const listAuditEvents = render();
    await screen.findByRole('link', { name: 'orders' });

    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Tenant' }),
      'Acme (the organization itself)',
    );
    expect(lastQuery(listAuditEvents)).toMatchObject({ tenant: ACME.id });
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Tenant' }),
      'Search',
    );
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Action' }),
      'Database ordered',
    );
    await userEvent.type(
      screen.getByRole('searchbox', { name: 'User' }),
      'Kwame',
    );
    await waitFor(() =>
      expect(lastQuery(listAuditEvents)).toMatchObject({
        actor: 'user:default/kwame',
      }),
    );
    // The inputs read local time; "to" takes its whole minute.
    await userEvent.type(screen.getByLabelText('From'), '2026-12-04T09:00');
    await userEvent.type(screen.getByLabelText('To'), '2026-12-04T10:30');

    await waitFor(() =>
      expect(lastQuery(listAuditEvents)).toEqual({
        organization: ACME.id,
        tenant: 'group:default/search',
        action: 'service.create',
        actor: 'user:default/kwame',
        since: new Date('2026-12-04T09:00').toISOString(),
        until: new Date(
          new Date('2026-12-04T10:30').getTime() + 59_999,
        ).toISOString(),
        page: 1,
        limit: 20,
      }),
    );
  });

  it('asks nothing for a range that ends before it starts, and says so', async () => {
    const listAuditEvents = render();
    await screen.findByRole('link', { name: 'orders' });
    const asked = listAuditEvents.mock.calls.length;

    await userEvent.type(screen.getByLabelText('From'), '2026-12-04T10:00');
    const calls = listAuditEvents.mock.calls.length;
    await userEvent.type(screen.getByLabelText('To'), '2026-12-04T09:00');

    expect(
      await screen.findByText('Must not be before From'),
    ).toBeInTheDocument();
    expect(calls).toBeGreaterThan(asked);
    expect(listAuditEvents).toHaveBeenCalledTimes(calls);
  });

  it('pages through a long log in the API', async () => {
    const listAuditEvents = render(
      jest.fn(async (query: Partial<AuditLogQuery>) => ({
        data: Array.from({ length: 20 }, (_, i) =>
          event(i + 20 * ((query.page ?? 1) - 1), { action: 'quota.set' }),
        ),
        pagination: { page: query.page ?? 1, limit: 20, total: 45 },
      })),
    );
    await screen.findByText('Audit log (45)');

    await userEvent.click(screen.getByRole('button', { name: 'Next Page' }));

    await waitFor(() =>
      expect(lastQuery(listAuditEvents)).toMatchObject({ page: 2, limit: 20 }),
    );
  });
});
