import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  engineBackups,
  type Backup,
  type Restore,
  type RestoreDrill,
} from '@internal/backstage-plugin-dbaas-common';
import { act, screen, waitFor, within } from '@testing-library/react';
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
import { DRILL_POLL_MS } from './RestoreDrills';

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
    api: {
      getService: async () => serviceDetails(),
      listRestores: async () => [],
      listRestoreDrills: async () => [],
      ...api,
    },
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
    const listRestores = jest.fn(async () => []);
    renderBackups({
      getService: async () => serviceDetails({ engine: 'dragonfly' }),
      listBackups: async () => [backup()],
      listRestores,
    });
    const reason = (engineBackups.dragonfly.manual as { reason: string })
      .reason;
    expect(await screen.findByText(reason)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Back up now' })).toBeDisabled();
    const restoreReason = (
      engineBackups.dragonfly.restore as { reason: string }
    ).reason;
    expect(screen.getByText(restoreReason)).toBeVisible();
    const restoreButton = screen.getByRole('button', {
      name: /^Restore the backup of/,
    });
    expect(restoreButton).toBeDisabled();
    // Read out with the button, not only shown somewhere above it.
    expect(restoreButton).toHaveAccessibleDescription(restoreReason);
    // Nothing to list where the engine has never restored.
    await waitFor(() => expect(listRestores).toHaveBeenCalled());
    expect(
      screen.queryByRole('heading', { name: 'Restores' }),
    ).not.toBeInTheDocument();
  });

  describe('restore into a new database', () => {
    const completed = backup({
      startedAt: hoursAgo(2.5),
      completedAt: hoursAgo(2),
    });
    const restoreButton = () =>
      screen.getByRole('button', { name: /^Restore the backup of/ });

    /** The API's answer to a restore request, as the backend makes it. */
    const accepted = (
      request: Parameters<DbaasApi['restoreService']>[1],
    ): Restore => ({
      restoreId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
      serviceId: SERVICE_ID,
      backupId: request.backupId,
      ...(request.pointInTime ? { pointInTime: request.pointInTime } : {}),
      targetServiceId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
      targetName: request.targetName,
      status: 'pending',
      createdBy: 'user:default/guest',
      createdAt: new Date().toISOString(),
    });

    async function openRestore(
      restoreService: DbaasApi['restoreService'],
      details = serviceDetails(),
    ) {
      renderBackups({
        getService: async () => details,
        listBackups: async () => [completed],
        restoreService,
      });
      await screen.findByRole('table', { name: 'Backups' });
      await waitFor(() => expect(restoreButton()).toBeEnabled());
      await userEvent.click(restoreButton());
      return screen.getByRole('dialog', {
        name: /^Restore the backup of .* into a new database$/,
      });
    }

    const nameField = (dialog: HTMLElement) =>
      within(dialog).getByRole('textbox', { name: /New database name/ });

    async function choosePointInTime(dialog: HTMLElement, at: Date) {
      await userEvent.click(
        within(dialog).getByRole('radio', { name: 'A point in time after it' }),
      );
      const input = within(dialog).getByLabelText(/Point in time/);
      await userEvent.clear(input);
      await userEvent.type(input, toDateTimeLocal(at));
    }

    it('says the source keeps running and the new database counts against the quota', async () => {
      const dialog = await openRestore(jest.fn());

      expect(dialog).toHaveTextContent(
        'The backup is restored into a new database of the checkout team, with the engine, plan and region of orders. orders keeps running as it is. The new database counts against the team\u2019s quota like any other.',
      );
    });

    it('restores the end of the backup into a database of the suggested name, and links to it', async () => {
      const restoreService = jest.fn(
        async (
          _id: string,
          request: Parameters<DbaasApi['restoreService']>[1],
        ) => accepted(request),
      );
      const dialog = await openRestore(restoreService);
      const suggested = (nameField(dialog) as HTMLInputElement).value;
      expect(suggested).toMatch(/^orders-r\d{12}$/);

      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );

      expect(restoreService).toHaveBeenCalledWith(SERVICE_ID, {
        backupId: completed.id,
        targetName: suggested,
      });
      const status = await within(dialog).findByRole('status');
      expect(status).toHaveTextContent(
        `Restore requested: the new database ${suggested} is provisioning from the backup. Its page shows its progress; orders keeps running as it is.`,
      );
      expect(
        within(status).getByRole('link', { name: suggested }),
      ).toHaveAttribute(
        'href',
        `/catalog/default/resource/checkout.${suggested}`,
      );
    });

    it('sends the name and point in time chosen, refusing a time outside the window first', async () => {
      const restoreService = jest.fn(
        async (
          _id: string,
          request: Parameters<DbaasApi['restoreService']>[1],
        ) => accepted(request),
      );
      const dialog = await openRestore(restoreService);
      await userEvent.clear(nameField(dialog));
      await userEvent.type(nameField(dialog), 'orders-before-v2');

      // Before the backup ended: the log cannot be replayed backwards.
      await choosePointInTime(dialog, new Date(Date.now() - 3 * HOUR_MS));
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^Choose a time between/,
      );

      // Within the last five minutes: that log may not be archived yet.
      await choosePointInTime(dialog, new Date(Date.now() - 60_000));
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
        targetName: 'orders-before-v2',
        pointInTime: chosen.toISOString(),
      });
      const status = await within(dialog).findByRole('status');
      expect(status).toHaveTextContent(
        /^Restore requested: the new database orders-before-v2 is provisioning from the backup up to /,
      );
      expect(
        within(status).getByRole('link', { name: 'orders-before-v2' }),
      ).toHaveAttribute(
        'href',
        '/catalog/default/resource/checkout.orders-before-v2',
      );
    });

    it.each([
      ['', 'Give the new database a name'],
      [
        'Orders_2',
        'The name must be lower-case letters, digits and dashes, starting with a letter',
      ],
      ['a'.repeat(41), 'The name must be at most 40 characters'],
      [
        'orders',
        'orders is the database restored from; the new one needs a name of its own',
      ],
    ])('refuses the name "%s" before sending', async (name, problem) => {
      const restoreService = jest.fn();
      const dialog = await openRestore(restoreService);

      await userEvent.clear(nameField(dialog));
      if (name) await userEvent.type(nameField(dialog), name);

      expect(nameField(dialog)).toBeInvalid();
      expect(nameField(dialog)).toHaveAccessibleDescription(problem);
      expect(
        within(dialog).getByRole('button', { name: 'Restore' }),
      ).toBeDisabled();
    });

    it('offers no point in time where the engine cannot replay its log, and says why', async () => {
      const details = serviceDetails();
      details.backups = {
        ...details.backups,
        pointInTime: {
          available: false,
          reason: 'The engine keeps no log to replay',
        },
      };
      const dialog = await openRestore(jest.fn(), details);

      expect(
        within(dialog).queryByRole('radio', {
          name: 'A point in time after it',
        }),
      ).not.toBeInTheDocument();
      expect(dialog).toHaveTextContent(
        'No point in time: The engine keeps no log to replay',
      );
      expect(
        within(dialog).getByRole('radio', { name: 'The end of the backup' }),
      ).toBeChecked();
    });

    it('limits the picker to the minutes from the backup\u2019s end until five minutes ago', async () => {
      const minute = 60_000;
      const lag = 5 * minute;
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
      const maxMinutes = [before, Date.now()].map(t =>
        toDateTimeLocal(new Date(Math.floor((t - lag) / minute) * minute)),
      );
      expect(maxMinutes).toContain(input.getAttribute('max'));
    });

    it('says a backup older than the retention can no longer be restored', async () => {
      const details = serviceDetails();
      details.config.backup = { enabled: true, retention: '1d' };
      renderBackups({
        getService: async () => details,
        listBackups: async () => [
          backup({ startedAt: hoursAgo(49), completedAt: hoursAgo(48) }),
        ],
      });
      await screen.findByText(/kept for 1 day\./);
      await userEvent.click(restoreButton());
      const dialog = screen.getByRole('dialog');

      expect(dialog).toHaveTextContent(
        'This backup ended before the 1 day retention window, so it can no longer be restored.',
      );
      expect(
        within(dialog).queryByRole('button', { name: 'Restore' }),
      ).not.toBeInTheDocument();
    });

    it.each([
      [
        400,
        'INVALID_REQUEST',
        'Invalid restore request: pointInTime: Must be between 2025-05-01T02:04:12.000Z and 2025-05-08T09:55:00.000Z (five minutes ago: newer WAL may not be archived yet)',
      ],
      [
        409,
        'CONFLICT',
        'group:default/checkout already has a database orders-r1',
      ],
      [
        429,
        'QUOTA_EXCEEDED',
        'Tenant group:default/checkout has used all of its 10 databases',
      ],
    ])(
      'shows the API\u2019s refusal of the restore (%s)',
      async (status, code, message) => {
        const error = await apiError(status, code, message);
        const dialog = await openRestore(async () => {
          throw error;
        });

        await userEvent.click(
          within(dialog).getByRole('button', { name: 'Restore' }),
        );

        expect(await within(dialog).findByRole('alert')).toHaveTextContent(
          message,
        );
        expect(within(dialog).queryByRole('status')).not.toBeInTheDocument();
      },
    );
  });

  describe('the restores', () => {
    const restore = (overrides: Partial<Restore> = {}): Restore => ({
      restoreId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
      serviceId: SERVICE_ID,
      backupId: backup().id,
      targetServiceId: '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
      targetName: 'orders-before-v2',
      status: 'completed',
      createdBy: 'user:default/alice',
      createdAt: '2025-05-03T09:00:00.000Z',
      ...overrides,
    });
    const restoreRows = () =>
      within(screen.getByRole('table', { name: 'Restores' }))
        .getAllByRole('row')
        .slice(1);

    it('lists each new database with its backup, moment, status and who asked', async () => {
      const listRestores = jest.fn(async () => [
        restore({
          restoreId: 'r-2',
          targetServiceId: '2d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a',
          targetName: 'orders-incident-42',
          pointInTime: '2025-05-02T08:30:00.000Z',
          status: 'failed',
          message: 'PostgreSQL found no commit after 2025-05-02T08:30:00Z',
          createdBy: 'user:default/bob',
        }),
        restore(),
      ]);
      renderBackups({ listBackups: async () => [backup()], listRestores });

      await screen.findByRole('table', { name: 'Restores' });
      expect(listRestores).toHaveBeenCalledWith(SERVICE_ID);
      const [failed, done] = restoreRows();
      expect(
        within(failed).getByRole('link', { name: 'orders-incident-42' }),
      ).toHaveAttribute(
        'href',
        '/catalog/default/resource/checkout.orders-incident-42',
      );
      expect(failed).toHaveTextContent('failed');
      expect(failed).toHaveTextContent(
        'PostgreSQL found no commit after 2025-05-02T08:30:00Z',
      );
      expect(failed).toHaveTextContent('by user:default/bob');
      expect(
        [...failed.querySelectorAll('time')].map(t =>
          t.getAttribute('dateTime'),
        ),
      ).toEqual([
        backup().completedAt,
        '2025-05-02T08:30:00.000Z',
        '2025-05-03T09:00:00.000Z',
      ]);
      expect(failed).toHaveTextContent(backup().id);

      expect(
        within(done).getByRole('link', { name: 'orders-before-v2' }),
      ).toHaveAttribute(
        'href',
        '/catalog/default/resource/checkout.orders-before-v2',
      );
      expect(done).toHaveTextContent('The backup\u2019s end');
      expect(done).toHaveTextContent('completed');
      expect(done).toHaveTextContent('by user:default/alice');
    });

    it('says when nothing was restored yet', async () => {
      renderBackups({ listBackups: async () => [backup()] });

      expect(
        await screen.findByText(
          'No backup of this database has been restored yet.',
        ),
      ).toBeInTheDocument();
    });

    it('shows what the API said when the restores cannot be read', async () => {
      const error = await apiError(
        404,
        'NOT_FOUND',
        'No database 6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f',
      );
      renderBackups({
        listBackups: async () => [backup()],
        listRestores: async () => {
          throw error;
        },
      });

      expect(
        await screen.findByText(/Could not load the restores/),
      ).toBeInTheDocument();
      expect(
        screen.getByText('No database 6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f'),
      ).toBeInTheDocument();
    });

    it('lists a restore asked for on the page at once', async () => {
      const completed = backup({
        startedAt: hoursAgo(2.5),
        completedAt: hoursAgo(2),
      });
      renderBackups({
        listBackups: async () => [completed],
        restoreService: async (_id, request) =>
          restore({
            restoreId: 'r-new',
            backupId: request.backupId,
            targetName: request.targetName,
            status: 'pending',
            createdAt: new Date().toISOString(),
          }),
      });
      await screen.findByText(
        'No backup of this database has been restored yet.',
      );
      const button = screen.getByRole('button', {
        name: /^Restore the backup of/,
      });
      await waitFor(() => expect(button).toBeEnabled());
      await userEvent.click(button);
      const dialog = screen.getByRole('dialog');
      const name = within(dialog).getByRole('textbox', {
        name: /New database name/,
      });
      await userEvent.clear(name);
      await userEvent.type(name, 'orders-copy');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Restore' }),
      );
      await userEvent.click(
        await within(dialog).findByRole('button', { name: 'Close' }),
      );

      const [row] = restoreRows();
      expect(
        within(row).getByRole('link', { name: 'orders-copy' }),
      ).toBeInTheDocument();
      expect(row).toHaveTextContent('pending');
    });

    it('reloads when the new database changes', async () => {
      const bus = signalBus();
      const target = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';
      const listRestores = jest
        .fn()
        .mockResolvedValueOnce([restore({ status: 'running' })])
        .mockResolvedValue([restore({ status: 'completed' })]);
      renderBackups({ listBackups: async () => [backup()], listRestores }, [
        [signalApiRef, bus.api],
      ]);
      await screen.findByRole('table', { name: 'Restores' });
      expect(restoreRows()[0]).toHaveTextContent('running');

      await bus.announce({
        id: target,
        tenant: 'group:default/checkout',
        action: 'updated',
        status: 'active',
      });

      await waitFor(() =>
        expect(restoreRows()[0]).toHaveTextContent('completed'),
      );
    });
  });

  describe('restore drills', () => {
    const drill = (overrides: Partial<RestoreDrill> = {}): RestoreDrill => ({
      id: 'd1e2f3a4-b5c6-4d7e-8f9a-0b1c2d3e4f5a',
      serviceId: SERVICE_ID,
      status: 'passed',
      backupId: backup().id,
      restoreId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
      scratchName: 'orders-d202505030900',
      startedAt: '2025-05-03T09:00:00.000Z',
      finishedAt: '2025-05-03T09:12:34.000Z',
      rtoSeconds: 754,
      rpoSeconds: 7 * 3600 + 3 * 60,
      requestedBy: 'dbaas:restore-drills',
      ...overrides,
    });
    const drillRows = () =>
      within(screen.getByRole('table', { name: 'Restore drills' }))
        .getAllByRole('row')
        .slice(1);
    const drillsSwitch = () =>
      screen.getByRole('switch', { name: 'Scheduled restore drills' });
    const runButton = () =>
      screen.getByRole('button', { name: 'Run a drill now' });
    /** The API's answer to a config change, as the backend makes it. */
    const changeAccepted = async () => ({
      id: SERVICE_ID,
      status: 'active' as const,
      generation: 3,
      message: 'Requested: backup.drills',
    });

    it('lists the drills with their RTO and RPO in words, and says what a drill is', async () => {
      const listRestoreDrills = jest.fn(async () => [
        drill({
          id: 'drill-2',
          status: 'failed',
          startedAt: '2025-05-10T09:00:00.000Z',
          finishedAt: '2025-05-10T11:00:00.000Z',
          rtoSeconds: undefined,
          rpoSeconds: 45,
          scratchName: 'orders-d202505100900',
          message: 'The scratch database was not ready within 120 minutes',
          requestedBy: 'user:default/alice',
        }),
        drill(),
      ]);
      renderBackups({ listBackups: async () => [backup()], listRestoreDrills });

      await screen.findByRole('table', { name: 'Restore drills' });
      expect(listRestoreDrills).toHaveBeenCalledWith(SERVICE_ID);
      const [failed, passed] = drillRows();
      expect(failed).toHaveTextContent('failed');
      expect(failed).toHaveTextContent(
        'The scratch database was not ready within 120 minutes',
      );
      expect(failed).toHaveTextContent('45 s');
      expect(failed).toHaveTextContent('orders-d202505100900');
      expect(failed).toHaveTextContent('user:default/alice');

      expect(passed).toHaveTextContent('passed');
      expect(passed).toHaveTextContent('12 min 34 s');
      expect(passed).toHaveTextContent('7 h 3 min');
      expect(passed).toHaveTextContent('orders-d202505030900');
      expect(passed).toHaveTextContent('The schedule');
      expect(passed).toHaveTextContent(backup().id);
      // Started, then the restored backup by the time it ended.
      expect(
        [...passed.querySelectorAll('time')].map(t =>
          t.getAttribute('dateTime'),
        ),
      ).toEqual(['2025-05-03T09:00:00.000Z', backup().completedAt]);

      expect(
        screen.getByText(/restores the latest restorable backup/),
      ).toHaveTextContent(
        'Scratch databases count against the platform’s drill budget, not the team’s quota. A failed drill notifies the team that owns the database.',
      );
    });

    it('says when the database has not been drilled yet', async () => {
      renderBackups({ listBackups: async () => [] });

      expect(
        await screen.findByText('This database has not been drilled yet.'),
      ).toBeInTheDocument();
    });

    it('runs a drill now and lists it at once as running', async () => {
      const runRestoreDrill = jest.fn(async () =>
        drill({
          id: 'drill-new',
          status: 'running',
          startedAt: new Date().toISOString(),
          finishedAt: undefined,
          rtoSeconds: undefined,
          scratchName: 'orders-d202505120830',
          requestedBy: 'user:default/guest',
        }),
      );
      renderBackups({
        listBackups: async () => [backup()],
        listRestoreDrills: async () => [drill()],
        runRestoreDrill,
      });
      await screen.findByRole('table', { name: 'Restore drills' });

      await userEvent.click(runButton());

      expect(runRestoreDrill).toHaveBeenCalledWith(SERVICE_ID);
      await waitFor(() => expect(drillRows()).toHaveLength(2));
      const [running, passed] = drillRows();
      expect(running).toHaveTextContent('running');
      expect(running).toHaveTextContent('orders-d202505120830');
      expect(running).toHaveTextContent('user:default/guest');
      expect(passed).toHaveTextContent('passed');
    });

    it.each([
      {
        status: 409,
        code: 'CONFLICT',
        message:
          'The platform runs at most 2 restore drills at once; try again once one has finished',
      },
      {
        status: 409,
        code: 'CONFLICT',
        message: 'A restore drill of database orders is running already',
      },
      {
        status: 403,
        code: 'FORBIDDEN',
        message:
          'user:default/guest may not manage backups of group:default/checkout',
      },
    ])(
      'shows the API’s refusal of a drill ($status: $message)',
      async ({ status, code, message }) => {
        const error = await apiError(status, code, message);
        renderBackups({
          listBackups: async () => [],
          runRestoreDrill: async () => {
            throw error;
          },
        });
        await screen.findByText('This database has not been drilled yet.');

        await userEvent.click(runButton());

        expect(await screen.findByRole('alert')).toHaveTextContent(message);
        expect(
          screen.getByText('This database has not been drilled yet.'),
        ).toBeInTheDocument();
      },
    );

    it('offers no drill where the engine cannot restore, and says why', async () => {
      const runRestoreDrill = jest.fn();
      renderBackups({
        getService: async () => serviceDetails({ engine: 'dragonfly' }),
        listBackups: async () => [backup()],
        runRestoreDrill,
      });
      const reason = (engineBackups.dragonfly.restore as { reason: string })
        .reason;

      await waitFor(() => expect(runButton()).toBeDisabled());
      expect(screen.getByText(`Cannot be drilled: ${reason}`)).toBeVisible();
      expect(runButton()).toHaveAccessibleDescription(
        `Cannot be drilled: ${reason}`,
      );
      // Nothing to turn on where nothing can be drilled.
      expect(
        screen.queryByRole('switch', { name: 'Scheduled restore drills' }),
      ).not.toBeInTheDocument();
      expect(runRestoreDrill).not.toHaveBeenCalled();
    });

    it('turns scheduled drills off through the config and shows them off', async () => {
      const before = serviceDetails();
      const after = serviceDetails({ generation: 3, observedGeneration: 2 });
      after.config.backup = { ...after.config.backup, drills: false };
      const getService = jest
        .fn()
        .mockResolvedValueOnce(before)
        .mockResolvedValue(after);
      const updateService = jest.fn(changeAccepted);
      renderBackups({
        getService,
        listBackups: async () => [],
        updateService,
      });
      await waitFor(() => expect(drillsSwitch()).toBeChecked());
      expect(drillsSwitch()).toHaveAccessibleDescription(
        'Scheduled drills are on: databases of the clustered plan, like those of every plan but shared, are drilled unless their drills are turned off.',
      );

      await userEvent.click(drillsSwitch());

      expect(updateService).toHaveBeenCalledWith(SERVICE_ID, {
        config: { backup: { drills: false } },
      });
      await waitFor(() => expect(getService).toHaveBeenCalledTimes(2));
      expect(drillsSwitch()).not.toBeChecked();
      expect(drillsSwitch()).toHaveAccessibleDescription(
        'Scheduled drills are off for this database.',
      );
    });

    it('shows drills off by default on the shared plan, and turns them on', async () => {
      const shared = serviceDetails({ plan: 'shared' });
      shared.config = { ...shared.config, plan: 'shared' };
      const updateService = jest.fn(changeAccepted);
      renderBackups({
        getService: async () => shared,
        listBackups: async () => [],
        updateService,
      });

      await screen.findByRole('switch', { name: 'Scheduled restore drills' });
      expect(drillsSwitch()).not.toBeChecked();
      expect(drillsSwitch()).toHaveAccessibleDescription(
        'Scheduled drills are off: databases of the shared plan are not drilled unless their drills are turned on.',
      );
      // A drill now runs whatever the schedule says.
      expect(runButton()).toBeEnabled();

      await userEvent.click(drillsSwitch());

      expect(updateService).toHaveBeenCalledWith(SERVICE_ID, {
        config: { backup: { drills: true } },
      });
      // Until the details of the new generation are loaded, as the API said.
      await waitFor(() => expect(drillsSwitch()).toBeChecked());
      expect(drillsSwitch()).toHaveAccessibleDescription(
        'Scheduled drills are on for this database.',
      );
    });

    it('shows the API’s refusal of the change and keeps the switch as it was', async () => {
      const error = await apiError(
        403,
        'FORBIDDEN',
        'user:default/guest may not change databases of group:default/checkout',
      );
      renderBackups({
        listBackups: async () => [],
        updateService: async () => {
          throw error;
        },
      });
      await waitFor(() => expect(drillsSwitch()).toBeChecked());

      await userEvent.click(drillsSwitch());

      expect(await screen.findByRole('alert')).toHaveTextContent(
        'user:default/guest may not change databases of group:default/checkout',
      );
      expect(drillsSwitch()).toBeChecked();
    });

    describe('while a drill runs', () => {
      beforeEach(() => jest.useFakeTimers());
      afterEach(() => jest.useRealTimers());

      it('lists the drills again every few seconds until it has ended', async () => {
        const listRestoreDrills = jest
          .fn()
          .mockResolvedValueOnce([
            drill({
              status: 'running',
              finishedAt: undefined,
              rtoSeconds: undefined,
            }),
          ])
          .mockResolvedValue([drill()]);
        renderBackups({ listBackups: async () => [], listRestoreDrills });
        await screen.findByRole('table', { name: 'Restore drills' });
        expect(drillRows()[0]).toHaveTextContent('running');
        expect(listRestoreDrills).toHaveBeenCalledTimes(1);

        await act(() => jest.advanceTimersByTimeAsync(DRILL_POLL_MS));

        expect(listRestoreDrills).toHaveBeenCalledTimes(2);
        expect(drillRows()[0]).toHaveTextContent('passed');
        expect(drillRows()[0]).toHaveTextContent('12 min 34 s');

        // Nothing runs: no more polling.
        await act(() => jest.advanceTimersByTimeAsync(5 * DRILL_POLL_MS));
        expect(listRestoreDrills).toHaveBeenCalledTimes(2);
      });
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
