import { permissionApiRef } from '@backstage/plugin-permission-react';
import type {
  ServiceAlert,
  ServiceAlertList,
} from '@internal/backstage-plugin-dbaas-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { DBAAS_ANNOTATIONS } from '@internal/backstage-plugin-dbaas-common';
import {
  apiError,
  databaseEntity,
  renderDatabasePage,
  serviceDetails,
  SERVICE_ID,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseAlertsCard } from './DatabaseAlertsCard';

const disk: ServiceAlert = {
  id: '1d0c6d3e-5a8b-4c2f-9e1d-7b6a5c4d3e2f',
  name: 'DbaasDatabaseDiskHigh',
  severity: 'warning',
  status: 'firing',
  summary: "A database's volumes are more than 85% full.",
  runbookUrl: 'https://docs.example.com/observability.md#dbaasdatabasediskhigh',
  startsAt: '2026-12-04T10:00:00.000Z',
  muted: false,
  labels: { alertname: 'DbaasDatabaseDiskHigh' },
};
const unhealthy: ServiceAlert = {
  ...disk,
  id: '2e1d7e4f-6b9c-4d3a-8f2e-8c7b6d5e4f3a',
  name: 'DbaasDatabaseUnhealthy',
  severity: 'critical',
  status: 'resolved',
  summary: 'A database has failed.',
  endsAt: '2026-12-03T09:30:00.000Z',
  runbookUrl: undefined,
};

const allow = { authorize: async () => ({ result: 'ALLOW' }) };
const deny = { authorize: async () => ({ result: 'DENY' }) };

function render(
  listAlerts: () => Promise<ServiceAlertList>,
  options: {
    permission?: object;
    muteAlerts?: jest.Mock;
    serviceId?: string;
  } = {},
) {
  return renderDatabasePage(<DatabaseAlertsCard />, {
    ...(options.serviceId
      ? {
          entity: databaseEntity({
            annotations: { [DBAAS_ANNOTATIONS.serviceId]: options.serviceId },
          }),
        }
      : {}),
    api: {
      getService: async () => serviceDetails(),
      listAlerts,
      ...(options.muteAlerts ? { muteAlerts: options.muteAlerts } : {}),
    },
    apis: [[permissionApiRef, options.permission ?? allow]],
  });
}

describe('DatabaseAlertsCard', () => {
  it('shows the firing alerts with their runbook, and those resolved this week', async () => {
    await render(async () => ({ firing: [disk], recent: [unhealthy] }));
    const firing = (await screen.findByText('DbaasDatabaseDiskHigh')).closest(
      'tr',
    )!;
    expect(
      within(firing).getByText("A database's volumes are more than 85% full."),
    ).toBeInTheDocument();
    expect(
      within(firing).getByRole('link', { name: /What to do/ }),
    ).toHaveAttribute('href', disk.runbookUrl);
    expect(screen.getByText('Resolved in the last 7 days')).toBeInTheDocument();
    const resolved = screen.getByText('DbaasDatabaseUnhealthy').closest('tr')!;
    expect(within(resolved).getByText('—')).toBeInTheDocument();
  });

  it('says when nothing fires', async () => {
    await render(async () => ({ firing: [], recent: [] }));
    expect(await screen.findByText('No alert is firing.')).toBeInTheDocument();
  });

  it('mutes the alerts for the chosen time with a reason, and shows the mute', async () => {
    let listed: ServiceAlertList = { firing: [disk], recent: [] };
    const muteAlerts = jest.fn(async () => {
      listed = {
        ...listed,
        mute: {
          until: '2026-12-04T11:00:00.000Z',
          reason: 'migrating the volumes',
          mutedBy: 'user:default/ada',
          mutedAt: '2026-12-04T10:00:00.000Z',
        },
      };
      return listed.mute!;
    });
    await render(async () => listed, { muteAlerts });
    fireEvent.click(await screen.findByRole('button', { name: 'Mute alerts' }));
    const dialog = screen.getByRole('dialog');
    const mute = within(dialog).getByRole('button', { name: 'Mute' });
    expect(mute).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/Reason/), {
      target: { value: 'migrating the volumes' },
    });
    fireEvent.click(mute);
    await waitFor(() =>
      expect(muteAlerts).toHaveBeenCalledWith(SERVICE_ID, {
        minutes: 60,
        reason: 'migrating the volumes',
      }),
    );
    expect(
      await screen.findByText(/by user:default\/ada: migrating the volumes/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Unmute' })).toBeInTheDocument();
  });

  it('offers muting only to those who may change the database', async () => {
    // Another database: usePermission keeps each answer for its question.
    await render(async () => ({ firing: [disk], recent: [] }), {
      permission: deny,
      serviceId: '3f2e8f5a-7cad-4e4b-9a3f-9d8c7e6f5a4b',
    });
    await screen.findByText('DbaasDatabaseDiskHigh');
    expect(
      screen.queryByRole('button', { name: 'Mute alerts' }),
    ).not.toBeInTheDocument();
  });

  it("shows the API's refusal when the alerts cannot be loaded", async () => {
    await render(async () => {
      throw await apiError(503, 'SERVICE_UNAVAILABLE', 'the database is away');
    });
    expect(
      await screen.findByText(/Could not load the alerts/),
    ).toBeInTheDocument();
  });
});
