import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  NOT_IN_THIS_POP,
  replicasStartFromPrimaryBackup,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { RecordOnlyProvisioner } from '../provisioner/ServiceProvisioner';
import { withTestPostgres } from '@internal/test-services';
import { ClaimStatusRecorder, type ClaimEvent } from './ClaimStatusRecorder';
import { DatabaseBackupStore } from '../database/DatabaseBackupStore';
import {
  DatabaseServiceStore,
  DEFAULT_TENANT_QUOTA,
} from '../database/DatabaseServiceStore';
import type { ReportOutcomes, ServiceRecord } from '../database/ServiceStore';
import { TimelineStore } from '../database/TimelineStore';

// Backups end within their retention: the day before the test runs.
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('ClaimStatusRecorder on %s', id => {
  async function setUp() {
    const knex = await databases.init(id);
    const database = mockServices.database({ knex });
    const store = await DatabaseServiceStore.create({ database });
    const timeline = await TimelineStore.create({ database });
    const recorder = new ClaimStatusRecorder(store);
    const record = await store.createService({
      tenant: 'group:default/payments',
      organization: 'group:default/acme',
      name: 'orders',
      spec: specFromSku(skuCatalog, 'pg-shared', 'lagos'),
      createdBy: 'user:default/ada',
    });
    const event = (type: 'ADDED' | 'MODIFIED' | 'DELETED', status?: object) =>
      recorder.record({
        cluster: 'lagos',
        type,
        serviceId: record.id,
        namespace: 'tenant-payments',
        name: 'orders',
        portalGeneration: 1,
        status: status as ClaimEvent['status'],
        observedAt: new Date(),
      });
    const backups = await DatabaseBackupStore.create({
      database,
      defaultQuota: DEFAULT_TENANT_QUOTA,
    });
    return { store, timeline, recorder, record, event, backups };
  }

  it('turns what the cluster reports into the status and the timeline', async () => {
    const { store, timeline, record, event } = await setUp();

    expect(await event('ADDED')).toBeDefined();
    expect(await event('ADDED')).toBeUndefined();
    expect(await event('MODIFIED', { phase: 'Provisioning' })).toBeDefined();
    expect(
      await event('MODIFIED', {
        phase: 'Active',
        observedGeneration: 1,
        conditions: [
          { type: 'Ready', status: 'True', message: 'Cluster healthy' },
        ],
        connection: {
          host: 'orders-rw.tenant-payments.svc',
          port: 5432,
          passwordSecretRef: { name: 'orders-app', key: 'password' },
        },
      }),
    ).toBeDefined();

    const current = await store.getService(record.id);
    expect(current).toMatchObject({
      status: 'Active',
      reported: {
        observedGeneration: 1,
        connection: { host: 'orders-rw.tenant-payments.svc', port: 5432 },
      },
    });
    expect(
      (await timeline.list(record.id)).map(s => [s.step, s.detail]),
    ).toEqual([
      ['synced', undefined],
      ['provisioning', undefined],
      ['active', 'Cluster healthy'],
    ]);
  });

  it('ends a database only when its claim is gone while it is being deleted', async () => {
    const { store, record, event } = await setUp();

    expect(await event('DELETED')).toBeUndefined();
    expect(await store.getService(record.id)).toBeDefined();

    await store.markDeleting(record.id);
    expect(await event('MODIFIED', { phase: 'Active' })).toBeDefined();
    expect((await store.getService(record.id))?.status).toBe('Deleting');
    expect(await event('DELETED')).toBeDefined();
    expect(await store.getService(record.id)).toBeUndefined();
    expect(await store.getUsage('group:default/payments')).toMatchObject({
      instances: 0,
    });
  });

  it('calls a database in two PoPs Active once both are, and gone once both let it go', async () => {
    const { store, timeline, recorder } = await setUp();
    const global = await store.createService({
      tenant: 'group:default/payments',
      organization: 'group:default/acme',
      name: 'ledger',
      spec: {
        ...specFromSku(skuCatalog, 'pg-global', 'lagos'),
        replication: { factor: 3, regions: ['lagos', 'frankfurt'] },
      },
      createdBy: 'user:default/ada',
    });
    const watched = ['lagos', 'frankfurt', 'singapore'];
    const report = (
      cluster: string,
      type: 'MODIFIED' | 'DELETED',
      phase?: string,
    ) =>
      recorder.record(
        {
          cluster,
          type,
          serviceId: global.id,
          namespace: 'tenant-payments',
          name: 'ledger',
          portalGeneration: 1,
          status: (phase
            ? {
                phase,
                conditions: [
                  { type: 'Ready', status: 'True', message: `${cluster} ok` },
                ],
              }
            : undefined) as ClaimEvent['status'],
          observedAt: new Date(),
        },
        watched,
      );
    const status = async () => (await store.getService(global.id))?.status;

    await report('lagos', 'MODIFIED', 'Active');
    // Frankfurt has not reported: not Active yet.
    expect(await status()).toBe('Provisioning');
    // A PoP outside the database's regions says nothing about it.
    await recorder.record(
      {
        cluster: 'singapore',
        type: 'MODIFIED',
        serviceId: global.id,
        namespace: 'tenant-payments',
        name: 'ledger',
        portalGeneration: 1,
        status: {
          phase: 'Pending',
          conditions: [
            { type: 'Ready', status: 'Unknown', reason: NOT_IN_THIS_POP },
          ],
        },
        observedAt: new Date(),
      },
      watched,
    );
    await report('frankfurt', 'MODIFIED', 'Provisioning');
    expect(await status()).toBe('Provisioning');
    await report('frankfurt', 'MODIFIED', 'Active');
    expect(await status()).toBe('Active');
    // The primary region's report is the one shown.
    expect(
      (await store.getService(global.id))?.reported?.conditions?.[0]?.message,
    ).toBe('lagos ok');
    await report('frankfurt', 'MODIFIED', 'Failed');
    expect(await status()).toBe('Failed');
    await report('frankfurt', 'MODIFIED', 'Active');
    expect(await status()).toBe('Active');

    await store.markDeleting(global.id);
    await report('lagos', 'DELETED');
    await report('singapore', 'DELETED');
    expect(await status()).toBe('Deleting');
    await report('frankfurt', 'DELETED');
    expect(await store.getService(global.id)).toBeUndefined();
    expect(
      (await timeline.list(global.id)).map(s => [s.step, s.cluster]),
    ).toEqual([
      ['synced', 'lagos'],
      ['provisioning', 'lagos'],
      ['synced', 'singapore'],
      ['synced', 'frankfurt'],
      ['active', 'frankfurt'],
      ['failed', 'frankfurt'],
      ['active', 'frankfurt'],
      ['deleted', 'frankfurt'],
    ]);
  });

  it("commits the primary's first completed backup for the replica regions of a global PostgreSQL database, once", async () => {
    const { store, backups } = await setUp();
    const committed: { name: string; primaryBackup?: string }[] = [];
    const recorder = new ClaimStatusRecorder(store, backups);
    recorder.commitPrimaryBackupsWith(
      Object.assign(new RecordOnlyProvisioner(), {
        commitPrimaryBackup: async (claim: ServiceRecord) => {
          committed.push({
            name: claim.name,
            primaryBackup: claim.primaryBackup,
          });
          return undefined;
        },
      }),
    );
    const global = await store.createService({
      tenant: 'group:default/payments',
      organization: 'group:default/acme',
      name: 'ledger',
      spec: {
        ...specFromSku(skuCatalog, 'pg-global', 'lagos'),
        replication: { factor: 3, regions: ['lagos', 'frankfurt'] },
      },
      createdBy: 'user:default/ada',
    });
    const report = (backup: object) =>
      recorder.record(
        {
          cluster: 'lagos',
          type: 'MODIFIED',
          serviceId: global.id,
          namespace: 'tenant-payments',
          name: 'ledger',
          portalGeneration: 1,
          status: {
            phase: 'Provisioning',
            backups: [backup],
          } as ClaimEvent['status'],
          observedAt: new Date(),
        },
        ['lagos', 'frankfurt'],
      );
    const scheduled = {
      name: 'ledger-backup-20260301020000',
      type: 'scheduled',
      startedAt: `${YESTERDAY}T02:00:01Z`,
    };
    // Running: nothing to start from yet.
    await report({ ...scheduled, phase: 'running' });
    expect(committed).toEqual([]);
    await report({
      ...scheduled,
      phase: 'completed',
      completedAt: `${YESTERDAY}T02:04:30Z`,
      engineBackupId: '20260301T020001',
    });
    expect(committed).toEqual([
      { name: 'ledger', primaryBackup: '20260301T020001' },
    ]);
    expect((await store.getService(global.id))?.primaryBackup).toBe(
      '20260301T020001',
    );
    // Later backups change nothing: the replicas started from the first.
    await report({
      name: 'ledger-backup-20260301080000',
      type: 'scheduled',
      phase: 'completed',
      startedAt: `${YESTERDAY}T08:00:01Z`,
      completedAt: `${YESTERDAY}T08:04:30Z`,
      engineBackupId: '20260301T080001',
    });
    expect(committed).toHaveLength(1);
  });

  it('commits nothing for a database in one region, or of an engine whose regions do not start from backups', async () => {
    const { store, backups, record } = await setUp();
    const commits: string[] = [];
    const recorder = new ClaimStatusRecorder(store, backups);
    recorder.commitPrimaryBackupsWith(
      Object.assign(new RecordOnlyProvisioner(), {
        commitPrimaryBackup: async (claim: ServiceRecord) => {
          commits.push(claim.name);
          return undefined;
        },
      }),
    );
    // `orders` is one region of PostgreSQL; MongoDB's regions never start
    // from the primary's backups.
    expect(replicasStartFromPrimaryBackup(record.spec)).toBe(false);
    expect(
      replicasStartFromPrimaryBackup({
        ...specFromSku(skuCatalog, 'mongo-flex-rs', 'lagos'),
        replication: { factor: 3, regions: ['lagos', 'frankfurt'] },
      }),
    ).toBe(false);
    expect(
      await recorder.record({
        cluster: 'lagos',
        type: 'MODIFIED',
        serviceId: record.id,
        namespace: 'tenant-payments',
        name: 'orders',
        portalGeneration: 1,
        status: {
          phase: 'Active',
          backups: [
            {
              name: 'orders-backup-20260301020000',
              type: 'scheduled',
              phase: 'completed',
              startedAt: `${YESTERDAY}T02:00:01Z`,
              completedAt: `${YESTERDAY}T02:04:30Z`,
              engineBackupId: '20260301T020001',
            },
          ],
        } as ClaimEvent['status'],
        observedAt: new Date(),
      }),
    ).toBeDefined();
    expect(commits).toEqual([]);
    expect((await store.getService(record.id))?.primaryBackup).toBeUndefined();
  });

  it('ignores what is not about a database of the portal', async () => {
    const { timeline, recorder, record, event } = await setUp();
    await expect(
      recorder.record({
        cluster: 'lagos',
        type: 'ADDED',
        serviceId: 'not-an-id',
        namespace: 'tenant-payments',
        name: 'orders',
        observedAt: new Date(),
      }),
    ).resolves.toBeUndefined();
    expect(await event('MODIFIED', { phase: 'Sideways' })).toBeDefined();
    expect((await timeline.list(record.id)).map(s => s.step)).toEqual([
      'synced',
    ]);
  });

  it('believes a claim only where the database is: its tenant namespace and name', async () => {
    const { timeline, recorder, record, store } = await setUp();
    // A claim anyone wrote elsewhere, carrying the database's service id label.
    const spoof = (namespace: string, name: string, type: ClaimEvent['type']) =>
      recorder.record({
        cluster: 'lagos',
        type,
        serviceId: record.id,
        namespace,
        name,
        portalGeneration: 1,
        status: {
          phase: 'Active',
          connection: { host: 'attacker.example', port: 5432 },
          backups: [
            {
              name: 'orders-forged',
              type: 'scheduled',
              phase: 'completed',
              startedAt: `${YESTERDAY}T02:00:01Z`,
            },
          ],
        } as ClaimEvent['status'],
        observedAt: new Date(),
      });
    await store.markDeleting(record.id);
    for (const [namespace, name] of [
      ['tenant-checkout', 'orders'],
      ['default', 'orders'],
      ['tenant-payments', 'orders-copy'],
    ]) {
      for (const type of ['ADDED', 'MODIFIED', 'DELETED'] as const) {
        await expect(spoof(namespace, name, type)).resolves.toBeUndefined();
      }
    }
    const after = await store.getService(record.id);
    expect(after).toMatchObject({ status: 'Deleting' });
    expect(after?.reported).toBeUndefined();
    expect(await timeline.list(record.id)).toEqual([]);
  });

  it('records the backups the cluster reports: requested ones by id, scheduled ones once', async () => {
    const { record, event, backups } = await setUp();
    const manual = await backups.createBackup({
      serviceId: record.id,
      tenant: record.tenant,
      type: 'manual',
      description: 'Before the migration',
      createdBy: 'user:default/ada',
    });
    const reported = {
      phase: 'Active',
      backups: [
        {
          name: 'orders-backup-20260301020000',
          type: 'scheduled',
          phase: 'completed',
          startedAt: `${YESTERDAY}T02:00:01Z`,
          completedAt: `${YESTERDAY}T02:04:30Z`,
          sizeBytes: 1_048_576,
        },
        {
          name: `orders-${manual.id}`,
          type: 'manual',
          backupId: manual.id,
          phase: 'failed',
          startedAt: `${YESTERDAY}T03:00:00Z`,
          message: 'barman-cloud-backup: no credentials',
        },
      ],
    };

    expect(await event('MODIFIED', reported)).toBeDefined();
    const list = await backups.listBackups(record.id);
    expect(list).toHaveLength(2);
    expect(list.find(b => b.id === manual.id)).toMatchObject({
      type: 'manual',
      status: 'failed',
      description: 'Before the migration',
      startedAt: `${YESTERDAY}T03:00:00.000Z`,
      message: 'barman-cloud-backup: no credentials',
      createdBy: 'user:default/ada',
    });
    expect(list.find(b => b.type === 'scheduled')).toMatchObject({
      status: 'completed',
      startedAt: `${YESTERDAY}T02:00:01.000Z`,
      completedAt: `${YESTERDAY}T02:04:30.000Z`,
      sizeBytes: 1_048_576,
      createdBy: 'schedule:lagos',
    });

    // The same report again (every resync sends it) records nothing new.
    expect(await event('MODIFIED', reported)).toBeUndefined();
    expect(await backups.listBackups(record.id)).toEqual(list);
  });

  it('follows a scheduled backup from running to completed without a second row', async () => {
    const { record, event, backups } = await setUp();
    const backup = (phase: string, extra: object = {}) => ({
      phase: 'Active',
      backups: [
        {
          name: 'orders-backup-1',
          type: 'scheduled',
          phase,
          startedAt: `${YESTERDAY}T02:00:01Z`,
          ...extra,
        },
      ],
    });
    await event('MODIFIED', backup('running'));
    expect(await backups.listBackups(record.id)).toMatchObject([
      { type: 'scheduled', status: 'running' },
    ]);
    await event(
      'MODIFIED',
      backup('completed', { completedAt: `${YESTERDAY}T02:09:00Z` }),
    );
    expect(await backups.listBackups(record.id)).toMatchObject([
      {
        type: 'scheduled',
        status: 'completed',
        completedAt: `${YESTERDAY}T02:09:00.000Z`,
      },
    ]);
    // The engine's retention keeps scheduled backups, not the tenant's quota.
    expect(await backups.countBackups(record.tenant)).toBe(0);
  });

  it('tells once what a report finished: a provisioning, with its time, and backups, though two replicas record it', async () => {
    const { store, record } = await setUp();
    const heard: ReportOutcomes[] = [];
    // Two replicas, each recording every report of the cluster.
    const replicas = [1, 2].map(
      () => new ClaimStatusRecorder(store, undefined, o => heard.push(o)),
    );
    const report = (status: object) =>
      Promise.all(
        replicas.map(replica =>
          replica.record({
            cluster: 'lagos',
            type: 'MODIFIED',
            serviceId: record.id,
            namespace: 'tenant-payments',
            name: 'orders',
            portalGeneration: 1,
            status: status as ClaimEvent['status'],
            observedAt: new Date(),
          }),
        ),
      );
    const backup = (name: string, phase: string) => ({
      name,
      type: 'scheduled',
      phase,
      startedAt: `${YESTERDAY}T02:00:01Z`,
    });

    await report({ phase: 'Provisioning' });
    await report({ phase: 'Active', backups: [backup('b1', 'running')] });
    await report({ phase: 'Active', backups: [backup('b1', 'completed')] });
    await report({
      phase: 'Active',
      backups: [backup('b1', 'completed'), backup('b2', 'failed')],
    });
    // Failing once running ends no provisioning.
    await report({ phase: 'Failed' });

    const service = { id: record.id, tenant: record.tenant, name: 'orders' };
    expect(heard).toEqual([
      {
        service,
        engine: 'postgresql',
        phase: { from: 'Pending', to: 'Provisioning' },
        backups: [],
      },
      {
        service,
        engine: 'postgresql',
        phase: { from: 'Provisioning', to: 'Active' },
        provisioned: { outcome: 'active', seconds: expect.any(Number) },
        backups: [],
      },
      { service, engine: 'postgresql', backups: ['completed'] },
      { service, engine: 'postgresql', backups: ['failed'] },
      {
        service,
        engine: 'postgresql',
        phase: { from: 'Active', to: 'Failed' },
        backups: [],
      },
    ]);
    expect(heard[1].provisioned!.seconds).toBeGreaterThanOrEqual(0);
    expect(heard[1].provisioned!.seconds).toBeLessThan(60);
  });

  it("lists a backup only until its database's retention has passed since it ended", async () => {
    const { record, event, backups } = await setUp();
    const retention = record.spec.backup.retention ?? '14d';
    const endedDaysAgo = (days: number) =>
      new Date(Date.now() - days * 86_400_000).toISOString();
    await event('MODIFIED', {
      phase: 'Active',
      backups: [
        {
          name: 'orders-backup-kept',
          type: 'scheduled',
          phase: 'completed',
          startedAt: endedDaysAgo(Number(retention.slice(0, -1)) - 1),
          completedAt: endedDaysAgo(Number(retention.slice(0, -1)) - 1),
        },
        {
          name: 'orders-backup-expired',
          type: 'scheduled',
          phase: 'failed',
          startedAt: endedDaysAgo(Number(retention.slice(0, -1)) + 1),
        },
      ],
    });
    expect(retention.endsWith('d')).toBe(true);
    expect((await backups.listBackups(record.id)).map(b => b.status)).toEqual([
      'completed',
    ]);
  });

  it("records the final backup's outcome while the database is being deleted", async () => {
    const { store, record, event, backups } = await setUp();
    await store.markDeleting(record.id, async (tx, marked) => {
      await backups.createBackup(
        {
          serviceId: marked.id,
          tenant: marked.tenant,
          type: 'final',
          createdBy: 'user:default/ada',
        },
        undefined,
        tx,
      );
    });
    // The operator knows the final backup by its object only.
    await event('MODIFIED', {
      phase: 'Deleting',
      backups: [
        {
          name: 'orders-final',
          type: 'final',
          phase: 'completed',
          startedAt: `${YESTERDAY}T04:00:00Z`,
          completedAt: `${YESTERDAY}T04:03:00Z`,
        },
      ],
    });
    expect(await backups.listBackups(record.id)).toMatchObject([
      { type: 'final', status: 'completed' },
    ]);
  });

  it('leaves out reports about backups it cannot place', async () => {
    const { record, event, backups } = await setUp();
    await event('MODIFIED', {
      backups: [
        // Another database's id, and an id that is none.
        {
          name: 'orders-x',
          type: 'manual',
          backupId: '00000000-0000-4000-8000-000000000000',
          phase: 'completed',
        },
        { name: 'orders-y', type: 'manual', backupId: 'x', phase: 'failed' },
      ],
    });
    expect(await backups.listBackups(record.id)).toEqual([]);
  });
});
