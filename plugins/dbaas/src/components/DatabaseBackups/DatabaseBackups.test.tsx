import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  engineBackups,
  type Backup,
  type Restore,
} from '@internal/backstage-plugin-dbaas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DbaasApi } from '../../api/DbaasApi';
import {
  apiError,
  databaseEntity,
  renderDatabasePage,
  serviceDetails,
  signalBus,
  SERVICE_ID,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseBackups } from './DatabaseBackups';
import { toDateTimeLocal } from './dateTimeLocal';

const HOUR_MS = 3_600_000;
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * HOUR_MS).toISOString();

function backup(overrides: Partial<Backup> = {}): Backup {
  return {
    id: '0b6c1d7e-2f3a-4b5c-8d9e-1f2a3b4c5d6e',
    serviceId: SERVICE_ID,
    type: 'scheduled',
    status: 'completed',
    sizeBytes: 1.5 * 1024 ** 3,
    createdAt: '2025-05-02T02:00:00.000Z',
    startedAt: '2025-05-02T02:00:00.000Z',
    completedAt: '2025-05-02T02:04:12.000Z',
    createdBy: 'system',
    ...overrides,
  };
}

function renderBackups(api: Partial<DbaasApi>, apis: readonly any[] = []) {
  return renderDatabasePage(<DatabaseBackups />, {
    api: { getService: async () => serviceDetails(), ...api },
    apis,
  });
}

const dataRows = () =>
  within(screen.getByRole('table', { name: 'Backups' }))
    .getAllByRole('row')
    .slice(1);

describe('DatabaseBackups', () => {
  it('lists backups with type, status, size and duration, and the schedule', async () => {
    renderBackups({
      listBackups: async () => [
        backup({ type: 'manual', description: 'Before the v2 migration' }),
        backup({
          id: 'b2',
          status: 'failed',
          message: 'barman-cloud-backup exited with 1: bucket not found',
          sizeBytes: undefined,
          completedAt: undefined,
        }),
      ],
    });

    await screen.findByRole('table', { name: 'Backups' });
    const [done, failed] = dataRows();
    expect(done).toHaveTextContent('manual');
    expect(done).toHaveTextContent('Before the v2 migration');
    expect(done).toHaveTextContent('completed');
    expect(done).toHaveTextContent('1.5 GiB');
    expect(done).toHaveTextContent('4 min 12 s');
    expect(
      within(done).getByRole('button', { name: /^Restore/ }),
    ).toBeInTheDocument();
    expect(failed).toHaveTextContent('failed');
    expect(failed).toHaveTextContent(
      'barman-cloud-backup exited with 1: bucket not found',
    );
    expect(within(failed).queryByRole('button')).not.toBeInTheDocument();

    expect(await screen.findByText(/Backed up at 02:00/)).toHaveTextContent(
      'Backed up at 02:00 (cluster time; cron 0 2 * * *). Backups are kept for 14 days.',
    );
  });

  it('says when scheduled backups are disabled', async () => {
    const details = serviceDetails();
    details.config.backup = { enabled: false };
    renderBackups({
      getService: async () => details,
      listBackups: async () => [],
    });

    expect(
      await screen.findByText(
        /Scheduled backups are disabled for this database/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('This database has no backups yet.'),
    ).toBeInTheDocument();
  });

  it('shows progress while the backups load', async () => {
    renderBackups({ listBackups: () => new Promise(() => {}) });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows what the API said when the backups cannot be read', async () => {
    const error = await apiError(
      403,
      'FORBIDDEN',
      'You may not read backups of group:default/checkout',
    );
    renderBackups({
      listBackups: async () => {
        throw error;
      },
    });

    expect(
      await screen.findByText(
        'You may not read backups of group:default/checkout',
      ),
    ).toBeInTheDocument();
  });

  it('pages through a long list', async () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      backup({ id: `backup-${i}`, description: `backup number ${i}` }),
    );
    renderBackups({ listBackups: async () => many });

    await screen.findByRole('table', { name: 'Backups' });
    expect(dataRows()).toHaveLength(20);
    expect(screen.getByText('1-20 of 500')).toBeInTheDocument();
    expect(dataRows()[0]).toHaveTextContent('backup number 0');

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));

    expect(screen.getByText('21-40 of 500')).toBeInTheDocument();
    expect(dataRows()[0]).toHaveTextContent('backup number 20');
  });

  it('backs up now with a description and shows the new pending backup', async () => {
    const created = backup({
      id: 'new-backup',
      type: 'manual',
      status: 'pending',
      description: 'Before the v2 migration',
      sizeBytes: undefined,
      startedAt: undefined,
      completedAt: undefined,
      createdAt: new Date().toISOString(),
    });
    const createBackup = jest.fn(async () => created);
    renderBackups({ listBackups: async () => [backup()], createBackup });
    await screen.findByRole('table', { name: 'Backups' });

    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    const dialog = screen.getByRole('dialog', { name: 'Back up now' });
    await userEvent.type(
      within(dialog).getByLabelText('Description (optional)'),
      'Before the v2 migration',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Start backup' }),
    );

    expect(createBackup).toHaveBeenCalledWith(
      SERVICE_ID,
      'Before the v2 migration',
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const [first, second] = dataRows();
    expect(first).toHaveTextContent('pending');
    expect(first).toHaveTextContent('Before the v2 migration');
    expect(second).toHaveTextContent('completed');
  });

  it.each([
    [
      403,
      'FORBIDDEN',
      'user:default/guest may not back up databases of group:default/checkout',
    ],
    [
      409,
      'CONFLICT',
      'Database orders is being deleted; its final backup is already requested',
    ],
    [
      429,
      'QUOTA_EXCEEDED',
      'Tenant group:default/checkout has used all of its 100 backups',
    ],
  ])(
    'shows the API’s refusal of a backup (%s)',
    async (status, code, message) => {
      const error = await apiError(status, code, message);
      renderBackups({
        listBackups: async () => [],
        createBackup: async () => {
          throw error;
        },
      });
      await screen.findByText('This database has no backups yet.');

      await userEvent.click(
        screen.getByRole('button', { name: 'Back up now' }),
      );
      const dialog = screen.getByRole('dialog', { name: 'Back up now' });
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Start backup' }),
      );

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        message,
      );
    },
  );

  it('offers no restore and no manual backup an engine cannot do, and says why', async () => {
    renderBackups({
      getService: async () => serviceDetails({ engine: 'mongodb' }),
      listBackups: async () => [backup()],
    });
    const reason = (engineBackups.mongodb.manual as { reason: string }).reason;
    expect(await screen.findByText(reason)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeDisabled();
    expect(
      screen.getByText(
        (engineBackups.mongodb.restore as { reason: string }).reason,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /^Restore from the backup of/ }),
    ).toBeDisabled();
  });

  // The restore dialog is built for when an engine restores; no engine does
  // yet (engineBackups), so these tests are of a database whose API says it can.
  describe('restore', () => {
    const completed = backup({
      startedAt: hoursAgo(2.5),
      completedAt: hoursAgo(2),
    });
    const restoring = (details = serviceDetails()) => ({
      ...details,
      backups: {
        ...details.backups,
        restore: { available: true as const, how: 'a test' },
        pointInTime: { available: true as const, how: 'a test' },
      },
    });

    async function openRestore(restoreService: DbaasApi['restoreService']) {
      renderBackups({
        getService: async () => restoring(),
        listBackups: async () => [completed],
        restoreService,
      });
      await screen.findByRole('table', { name: 'Backups' });
      await waitFor(() =>
        expect(
          screen.getByRole('button', { name: /^Restore from the backup of/ }),
        ).toBeEnabled(),
      );
      await userEvent.click(
        screen.getByRole('button', { name: /^Restore from the backup of/ }),
      );
      return screen.getByRole('dialog');
    }

    async function choosePointInTime(dialog: HTMLElement, at: Date) {
      await userEvent.click(
        within(dialog).getByRole('radio', { name: 'A point in time after it' }),
      );
      const input = within(dialog).getByLabelText(/Point in time/);
      await userEvent.clear(input);
      await userEvent.type(input, toDateTimeLocal(at));
    }

    it('refuses a time outside the window and sends the chosen time otherwise', async () => {
      const restoreService = jest.fn(
        async (): Promise<Restore> => ({
          restoreId: 'r-1',
          serviceId: SERVICE_ID,
          backupId: completed.id,
          pointInTime: hoursAgo(1),
          status: 'pending',
          createdAt: new Date().toISOString(),
        }),
      );
      const dialog = await openRestore(restoreService);

      // Before the backup ended: the log cannot be replayed backwards.
      await choosePointInTime(dialog, new Date(Date.now() - 3 * HOUR_MS));
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^Choose a time between/,
      );

      // In the future.
      await choosePointInTime(dialog, new Date(Date.now() + HOUR_MS));
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^Choose a time between/,
      );
      expect(restoreService).not.toHaveBeenCalled();

      const chosen = new Date(Date.now() - HOUR_MS);
      chosen.setSeconds(0, 0);
      await choosePointInTime(dialog, chosen);
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );

      expect(restoreService).toHaveBeenCalledWith(SERVICE_ID, {
        backupId: completed.id,
        pointInTime: chosen.toISOString(),
      });
      expect(await within(dialog).findByRole('status')).toHaveTextContent(
        /^Restore r-1 is pending/,
      );
    });

    it('limits the picker to the minutes from the backup\u2019s end until now', async () => {
      const minute = 60_000;
      const before = Date.now();
      const dialog = await openRestore(jest.fn());
      await userEvent.click(
        within(dialog).getByRole('radio', { name: 'A point in time after it' }),
      );

      const input = within(dialog).getByLabelText(/Point in time/);
      const end = Date.parse(completed.completedAt!);
      expect(input).toHaveAttribute(
        'min',
        toDateTimeLocal(new Date(Math.ceil(end / minute) * minute)),
      );
      // "Now" is whichever minute the dialog last rendered in.
      const nowMinutes = [before, Date.now()].map(t =>
        toDateTimeLocal(new Date(Math.floor(t / minute) * minute)),
      );
      expect(nowMinutes).toContain(input.getAttribute('max'));
    });

    it('says a backup older than the retention can no longer be restored', async () => {
      const details = restoring();
      details.config.backup = { enabled: true, retention: '1d' };
      renderBackups({
        getService: async () => details,
        listBackups: async () => [
          backup({ startedAt: hoursAgo(49), completedAt: hoursAgo(48) }),
        ],
      });
      await screen.findByText(/kept for 1 day\./);
      await userEvent.click(
        screen.getByRole('button', { name: /^Restore from the backup of/ }),
      );
      const dialog = screen.getByRole('dialog');

      expect(dialog).toHaveTextContent(
        'This backup ended before the 1 day retention window, so it can no longer be restored.',
      );
      expect(
        within(dialog).queryByRole('button', { name: 'Restore' }),
      ).not.toBeInTheDocument();
    });

    it('restores to the end of the backup by default', async () => {
      const restoreService = jest.fn(
        async (): Promise<Restore> => ({
          restoreId: 'r-2',
          serviceId: SERVICE_ID,
          backupId: completed.id,
          status: 'pending',
          createdAt: new Date().toISOString(),
        }),
      );
      const dialog = await openRestore(restoreService);

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );

      expect(restoreService).toHaveBeenCalledWith(SERVICE_ID, {
        backupId: completed.id,
      });
      expect(await within(dialog).findByRole('status')).toHaveTextContent(
        'Restore r-2 is pending.',
      );
    });

    it('shows the API’s message when it refuses the restore', async () => {
      const error = await apiError(
        400,
        'INVALID_REQUEST',
        'Invalid restore request: pointInTime Must be between 2025-05-01T02:04:12.000Z and 2025-05-08T10:00:00.000Z (now)',
      );
      const dialog = await openRestore(async () => {
        throw error;
      });

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        'Invalid restore request: pointInTime Must be between 2025-05-01T02:04:12.000Z and 2025-05-08T10:00:00.000Z (now)',
      );
    });
  });

  it('reloads the backups when the backend announces a change of the database', async () => {
    const bus = signalBus();
    const listBackups = jest
      .fn()
      .mockResolvedValueOnce([
        backup({ status: 'running', completedAt: undefined }),
      ])
      .mockResolvedValue([backup()]);
    renderBackups({ listBackups }, [[signalApiRef, bus.api]]);
    await screen.findByText('running');
    expect(
      screen.queryByRole('button', { name: /^Restore/ }),
    ).not.toBeInTheDocument();

    await bus.announce({
      id: SERVICE_ID,
      tenant: 'group:default/checkout',
      action: 'updated',
      status: 'active',
    });

    expect(await screen.findByText('completed')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /^Restore/ }),
    ).toBeInTheDocument();
  });

  it('says which annotation is missing instead of loading anything', async () => {
    const listBackups = jest.fn();
    renderDatabasePage(<DatabaseBackups />, {
      api: { listBackups },
      entity: databaseEntity({ annotations: {} }),
    });

    expect(await screen.findByText('dbaas.io/service-id')).toBeInTheDocument();
    expect(listBackups).not.toHaveBeenCalled();
  });
});
