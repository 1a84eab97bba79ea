import { signalApiRef } from '@backstage/plugin-signals-react';
import { screen, within } from '@testing-library/react';
import {
  apiError,
  databaseEntity,
  renderDatabasePage,
  serviceDetails,
  signalBus,
  SERVICE_ID,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseStatusCard } from './DatabaseStatusCard';

const rowOf = (header: string) =>
  screen.getByRole('rowheader', { name: header }).closest('tr')!;

describe('DatabaseStatusCard', () => {
  it('shows the phase, plan with its SLA, regions, GitOps commit and timeline', async () => {
    const getService = jest.fn(async () => serviceDetails());
    renderDatabasePage(<DatabaseStatusCard />, { api: { getService } });

    expect(await screen.findByText('Active')).toBeInTheDocument();
    expect(getService).toHaveBeenCalledWith(SERVICE_ID);
    expect(
      within(rowOf('Plan')).getByText('Clustered (99.9% SLA)'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Engine')).getByText('PostgreSQL 17'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Regions')).getByText('Frankfurt (primary), Lagos'),
    ).toBeInTheDocument();
    expect(
      within(rowOf('Generation')).getByText(
        'Generation 2, applied by the cluster',
      ),
    ).toBeInTheDocument();
    expect(
      within(rowOf('GitOps file')).getByText('tenants/checkout/orders.yaml'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /commit 3f9a2b1/ }),
    ).toHaveAttribute('href', 'https://git.example/gitops/commit/3f9a2b1c4d5e');
    expect(
      screen.queryByRole('link', { name: /pull request/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('rowheader', { name: 'Restored from' }),
    ).not.toBeInTheDocument();

    const timeline = screen.getByRole('list', {
      name: 'Provisioning timeline',
    });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map(
          item => item.querySelector('.MuiListItemText-primary')?.textContent,
        ),
    ).toEqual([
      'Committed to the GitOps repository',
      'Synced to the cluster (frankfurt)',
      'Provisioning (frankfurt)',
      'Active (frankfurt)',
    ]);
  });

  describe('of a database restored from a backup', () => {
    const SOURCE_ID = '0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d';
    const BACKUP_ID = '0b6c1d7e-2f3a-4b5c-8d9e-1f2a3b4c5d6e';
    const AT = '2025-04-30T08:30:00.000Z';
    const restored = (details = serviceDetails({ name: 'orders-before-v2' })) =>
      serviceDetails({
        ...details,
        config: {
          ...details.config,
          restore: {
            source: 'orders',
            backup: '20250430T021000',
            pointInTime: AT,
          },
        },
      });

    it('says which database, backup and moment it was restored from, and links the source', async () => {
      const details = restored();
      details.restoredFrom = {
        restoreId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
        serviceId: SOURCE_ID,
        backupId: BACKUP_ID,
        pointInTime: AT,
        targetServiceId: SERVICE_ID,
        targetName: 'orders-before-v2',
        status: 'running',
        createdBy: 'user:default/guest',
        createdAt: '2025-05-01T10:00:00.000Z',
      };
      renderDatabasePage(<DatabaseStatusCard />, {
        api: { getService: async () => details },
      });

      await screen.findByRole('rowheader', { name: 'Restored from' });
      const row = rowOf('Restored from');
      expect(row).toHaveTextContent(
        new RegExp(`^Restored fromorders — backup ${BACKUP_ID} at .*2025`),
      );
      expect(row.querySelector('time')).toHaveAttribute('dateTime', AT);
      expect(within(row).getByRole('link', { name: 'orders' })).toHaveAttribute(
        'href',
        '/catalog/default/resource/checkout.orders',
      );
    });

    it('reads its origin from the claim when the API has no restore record', async () => {
      const details = restored();
      details.config.restore = { source: 'orders', backup: '20250430T021000' };
      renderDatabasePage(<DatabaseStatusCard />, {
        api: { getService: async () => details },
      });

      await screen.findByRole('rowheader', { name: 'Restored from' });
      expect(rowOf('Restored from')).toHaveTextContent(
        'Restored fromorders — backup 20250430T021000',
      );
      expect(rowOf('Restored from').querySelector('time')).toBeNull();
    });
  });

  it('links the pull request a change waits in for review', async () => {
    const details = serviceDetails();
    details.gitops = {
      ...details.gitops!,
      pullRequestUrl: 'https://git.example/gitops/pull/42',
    };
    renderDatabasePage(<DatabaseStatusCard />, {
      api: { getService: async () => details },
    });

    expect(
      await screen.findByRole('link', { name: /a pull request to review/ }),
    ).toHaveAttribute('href', 'https://git.example/gitops/pull/42');
  });

  it('says when the cluster has not caught up with the latest change', async () => {
    renderDatabasePage(<DatabaseStatusCard />, {
      api: {
        getService: async () =>
          serviceDetails({
            status: 'provisioning',
            generation: 3,
            observedGeneration: 2,
          }),
      },
    });

    expect(
      await screen.findByText(
        'Generation 3; the cluster last acted on generation 2, so the latest change is still on its way',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('Provisioning')).toBeInTheDocument();
  });

  it('shows a failure with the operator’s reason', async () => {
    const details = serviceDetails({
      status: 'failed',
      conditions: [
        {
          type: 'Ready',
          status: 'False',
          reason: 'InsufficientStorage',
          message: 'No storage class fast-ssd in frankfurt',
        },
      ],
    });
    details.timeline = [
      ...details.timeline.slice(0, 3),
      {
        step: 'failed',
        generation: 1,
        at: '2025-05-01T10:04:00.000Z',
        cluster: 'frankfurt',
        detail: 'No storage class fast-ssd in frankfurt',
      },
    ];
    renderDatabasePage(<DatabaseStatusCard />, {
      api: { getService: async () => details },
    });

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'Provisioning failed in frankfurt: No storage class fast-ssd in frankfurt',
    );
    expect(alert).toHaveTextContent(
      'Ready (InsufficientStorage): No storage class fast-ssd in frankfurt',
    );
    const timeline = screen.getByRole('list', {
      name: 'Provisioning timeline',
    });
    expect(
      within(timeline).getByText('Failed (frankfurt)'),
    ).toBeInTheDocument();
  });

  it("shows Argo CD's sync error on the timeline with the cluster and why", async () => {
    const details = serviceDetails({ status: 'pending' });
    details.timeline = [
      ...details.timeline.slice(0, 1),
      {
        step: 'sync-failed',
        generation: 1,
        at: '2025-05-01T10:01:00.000Z',
        cluster: 'lagos',
        detail:
          "namespace tenant-checkout is not permitted in project 'dbaas-tenants'",
      },
    ];
    renderDatabasePage(<DatabaseStatusCard />, {
      api: { getService: async () => details },
    });

    const timeline = await screen.findByRole('list', {
      name: 'Provisioning timeline',
    });
    const step = within(timeline)
      .getByText('Argo CD could not sync it to the cluster (lagos)')
      .closest('li')!;
    expect(step).toHaveTextContent(
      "namespace tenant-checkout is not permitted in project 'dbaas-tenants'",
    );
  });

  it('shows progress while the database loads', async () => {
    renderDatabasePage(<DatabaseStatusCard />, {
      api: { getService: () => new Promise(() => {}) },
    });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows what the API said when the database cannot be read', async () => {
    const error = await apiError(
      403,
      'FORBIDDEN',
      'user:default/guest may not read databases of group:default/checkout',
    );
    renderDatabasePage(<DatabaseStatusCard />, {
      api: {
        getService: async () => {
          throw error;
        },
      },
    });

    expect(
      await screen.findByText(
        'user:default/guest may not read databases of group:default/checkout',
      ),
    ).toBeInTheDocument();
  });

  it('shows a new phase when the backend announces a change', async () => {
    const bus = signalBus();
    const getService = jest
      .fn()
      .mockResolvedValueOnce(serviceDetails({ status: 'provisioning' }))
      .mockResolvedValue(serviceDetails({ status: 'active' }));
    renderDatabasePage(<DatabaseStatusCard />, {
      api: { getService },
      apis: [[signalApiRef, bus.api]],
    });
    expect(await screen.findByText('Provisioning')).toBeInTheDocument();

    // Another database's change does not concern this page.
    await bus.announce({
      id: 'another',
      tenant: 'group:default/checkout',
      action: 'status',
      status: 'active',
    });
    expect(getService).toHaveBeenCalledTimes(1);

    await bus.announce({
      id: SERVICE_ID,
      tenant: 'group:default/checkout',
      action: 'status',
      status: 'active',
    });
    expect(
      await within(rowOf('Phase')).findByText('Active'),
    ).toBeInTheDocument();
    expect(getService).toHaveBeenCalledTimes(2);
  });

  it('says which annotation is missing instead of loading anything', async () => {
    const getService = jest.fn();
    renderDatabasePage(<DatabaseStatusCard />, {
      api: { getService },
      entity: databaseEntity({ annotations: {} }),
    });

    expect(
      screen.getByText(/This entity has no.*annotation/, { selector: 'p' }),
    ).toHaveTextContent('dbaas.io/service-id');
    expect(getService).not.toHaveBeenCalled();
  });
});
