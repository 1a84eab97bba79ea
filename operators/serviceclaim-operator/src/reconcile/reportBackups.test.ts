import {
  CLAIM_ANNOTATIONS,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { describeWithServices, eventually } from '@internal/test-services';
import { claimBody } from '../__testUtils__/claimBody';
import { BACKUP_ID_LABEL } from '../render/backup';
import {
  cnpg,
  mergePatch,
  reconcileOnKube,
} from './__testUtils__/reconcileOnKube';
import { reconcileClaim } from './reconcileClaim';

jest.setTimeout(60_000);

/** A time `hours` before now, to the second, as the CRDs' status holds it. */
const hoursAgo = (hours: number) =>
  new Date(Date.now() - hours * 3_600_000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');

// Through reconcileClaim, whose status step reports the claim's backups and
// acts on the one its annotation requests.
describeWithServices(['kube'], 'reportBackups on a kube-apiserver', env => {
  const { namespace, custom, owned, deps, createClaim, getClaim, read } =
    reconcileOnKube(env, 'backups');
  const dailyBackups = (spec: ServiceClaimSpec) => {
    spec.backup = { ...spec.backup, enabled: true, schedule: '0 2 * * *' };
  };
  /** Creates the claim `body` with the annotation that requests `backupId`. */
  const createClaimRequesting = (
    backupId: string,
    body: ReturnType<typeof claimBody>,
  ) =>
    createClaim({
      ...body,
      metadata: {
        ...body.metadata,
        annotations: { [CLAIM_ANNOTATIONS.backupRequest]: backupId },
      },
    });

  it('reports the backups CloudNativePG takes on schedule in the claim status', async () => {
    const startedAt = hoursAgo(3);
    const stoppedAt = hoursAgo(2.9);
    await createClaim(claimBody(namespace, 'billing'));
    await reconcileClaim(deps, `${namespace}/billing`);
    expect((await getClaim('billing')).status?.backups).toBeUndefined();

    // What CloudNativePG's ScheduledBackup makes, and how it reports the run.
    await custom.createNamespacedCustomObject({
      ...cnpg,
      namespace,
      plural: 'backups',
      body: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Backup',
        metadata: {
          name: 'billing-backup-20260301020000',
          labels: {
            'cnpg.io/cluster': 'billing',
            'cnpg.io/scheduled-backup': 'billing-backup',
          },
        },
        spec: {
          cluster: { name: 'billing' },
          method: 'plugin',
          pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
        },
      },
    });
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...cnpg,
        namespace,
        plural: 'backups',
        name: 'billing-backup-20260301020000',
        body: {
          status: {
            phase: 'completed',
            startedAt,
            stoppedAt,
          },
        },
      },
      mergePatch,
    );
    // Another cluster's backup in the namespace is not this claim's.
    await custom.createNamespacedCustomObject({
      ...cnpg,
      namespace,
      plural: 'backups',
      body: {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'Backup',
        metadata: {
          name: 'other-backup-1',
          labels: {
            'cnpg.io/cluster': 'other',
            'cnpg.io/scheduled-backup': 'other-backup',
          },
        },
        spec: { cluster: { name: 'other' } },
      },
    });

    const outcome = await reconcileClaim(deps, `${namespace}/billing`);
    expect(outcome.statusWritten).toBe(true);
    // Read back from the apiserver: the CRD's status schema keeps every field.
    expect((await getClaim('billing')).status?.backups).toEqual([
      {
        name: 'billing-backup-20260301020000',
        type: 'scheduled',
        phase: 'completed',
        startedAt,
        completedAt: stoppedAt,
      },
    ]);
    expect(await reconcileClaim(deps, `${namespace}/billing`)).toMatchObject({
      statusWritten: false,
    });
    for (const name of ['billing-backup-20260301020000', 'other-backup-1']) {
      await custom.deleteNamespacedCustomObject({
        ...cnpg,
        namespace,
        plural: 'backups',
        name,
      });
    }
  });

  it('takes a requested backup once, reports it under its id, and keeps it', async () => {
    const startedAt = hoursAgo(1);
    const stoppedAt = hoursAgo(0.9);
    const backupId = '3a0e8d2c-7b61-4f0e-9a55-0c4b9e2d1f77';
    await createClaimRequesting(backupId, claimBody(namespace, 'invoices'));
    await reconcileClaim(deps, `${namespace}/invoices`);
    const { uid } = (await getClaim('invoices')).metadata;
    const name = `invoices-${backupId}`;
    const created = (await read('backups', name)) as any;
    expect(created.metadata.labels[BACKUP_ID_LABEL]).toBe(backupId);
    expect(created.metadata.ownerReferences).toEqual([
      expect.objectContaining({ uid, kind: 'ServiceClaim' }),
    ]);
    expect(created.spec.cluster).toEqual({ name: 'invoices' });
    expect((await getClaim('invoices')).status?.backups).toEqual([
      { name, type: 'manual', backupId, phase: 'pending' },
    ]);

    // CloudNativePG takes it.
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...cnpg,
        namespace,
        plural: 'backups',
        name,
        body: {
          status: {
            phase: 'completed',
            startedAt,
            stoppedAt,
          },
        },
      },
      mergePatch,
    );
    // Once the cache has it, a reconcile that prunes must leave it alone.
    await eventually('Backup cached', () =>
      owned.ownedBy(uid).objects.some(o => o.metadata?.name === name),
    );
    await reconcileClaim(deps, `${namespace}/invoices`);
    const completed = {
      name,
      type: 'manual',
      backupId,
      phase: 'completed',
      startedAt,
      completedAt: stoppedAt,
    };
    expect((await getClaim('invoices')).status?.backups).toEqual([completed]);
    expect(await read('backups', name)).toBeDefined();

    // Gone from the cluster (retention, or by hand): not taken a second time.
    await custom.deleteNamespacedCustomObject({
      ...cnpg,
      namespace,
      plural: 'backups',
      name,
    });
    await reconcileClaim(deps, `${namespace}/invoices`);
    expect(await read('backups', name)).toBeUndefined();
    expect((await getClaim('invoices')).status?.backups).toEqual([completed]);
  });

  it("deletes backups past the claim's retention and reports the rest", async () => {
    const body = claimBody(namespace, 'ledger', {
      edit: spec => {
        dailyBackups(spec);
        spec.backup.retention = '1d';
      },
    });
    await createClaim(body);
    const backup = async (
      name: string,
      status: Record<string, string>,
      labels: Record<string, string> = {
        'cnpg.io/cluster': 'ledger',
        'cnpg.io/scheduled-backup': 'ledger-backup',
      },
    ) => {
      await custom.createNamespacedCustomObject({
        ...cnpg,
        namespace,
        plural: 'backups',
        body: {
          apiVersion: 'postgresql.cnpg.io/v1',
          kind: 'Backup',
          metadata: { name, labels },
          spec: { cluster: { name: 'ledger' } },
        },
      });
      await custom.patchNamespacedCustomObjectStatus(
        { ...cnpg, namespace, plural: 'backups', name, body: { status } },
        mergePatch,
      );
    };
    await backup('ledger-old', {
      phase: 'completed',
      startedAt: hoursAgo(26),
      stoppedAt: hoursAgo(25),
    });
    await backup('ledger-old-failed', {
      phase: 'failed',
      startedAt: hoursAgo(30),
      error: 'no space left',
    });
    // Running for days: it has no end yet, so it has not expired.
    await backup('ledger-stuck', { phase: 'running', startedAt: hoursAgo(50) });
    await backup('ledger-new', {
      phase: 'completed',
      startedAt: hoursAgo(2),
      stoppedAt: hoursAgo(1),
    });

    await reconcileClaim(deps, `${namespace}/ledger`);
    expect(await read('backups', 'ledger-old')).toBeUndefined();
    expect(await read('backups', 'ledger-old-failed')).toBeUndefined();
    expect(await read('backups', 'ledger-stuck')).toBeDefined();
    expect(await read('backups', 'ledger-new')).toBeDefined();
    expect(
      (await getClaim('ledger')).status?.backups?.map(b => b.name),
    ).toEqual(['ledger-new', 'ledger-stuck']);
  });

  it('makes Percona delete the data of an expired MongoDB backup with its object', async () => {
    const psmdb = { group: 'psmdb.percona.com', version: 'v1' };
    const body = claimBody(namespace, 'orders', {
      sku: 'mongo-flex-rs',
      edit: spec => {
        dailyBackups(spec);
        spec.backup.retention = '1d';
      },
    });
    await createClaim(body);
    const backupId = '5d1c2a9e-0f3b-4c7d-8e6a-2b9f4d3c1e08';
    const name = `orders-${backupId}`;
    await custom.createNamespacedCustomObject({
      ...psmdb,
      namespace,
      plural: 'perconaservermongodbbackups',
      body: {
        apiVersion: 'psmdb.percona.com/v1',
        kind: 'PerconaServerMongoDBBackup',
        metadata: {
          name,
          labels: {
            'app.kubernetes.io/managed-by': 'serviceclaim-operator',
            'app.kubernetes.io/instance': 'orders',
            [BACKUP_ID_LABEL]: backupId,
          },
          // What Percona's own backup controller holds it by while it runs.
          finalizers: ['internal.percona.com/release-lock'],
        },
        spec: { clusterName: 'orders', storageName: 'claim', type: 'logical' },
      },
    });
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...psmdb,
        namespace,
        plural: 'perconaservermongodbbackups',
        name,
        body: {
          status: {
            state: 'ready',
            start: hoursAgo(30),
            completed: hoursAgo(29),
            pbmName: '2026-12-01T00:00:00Z',
          },
        },
      },
      mergePatch,
    );

    await reconcileClaim(deps, `${namespace}/orders`);
    // No Percona operator here: its finalizers hold the object, deleted.
    const going = (await read(
      'perconaservermongodbbackups',
      name,
      psmdb,
    )) as any;
    expect(going.metadata.deletionTimestamp).toBeDefined();
    expect(going.metadata.finalizers).toEqual([
      'internal.percona.com/release-lock',
      'percona.com/delete-backup',
    ]);
    await custom.patchNamespacedCustomObject(
      {
        ...psmdb,
        namespace,
        plural: 'perconaservermongodbbackups',
        name,
        body: { metadata: { finalizers: null } },
      },
      mergePatch,
    );
  });

  it("reports a requested backup failed, saying why, where the engine's operator cannot take one", async () => {
    const backupId = '9d4f2b1a-5c3e-4d8f-8a7b-6e5d4c3b2a10';
    await createClaimRequesting(
      backupId,
      claimBody(namespace, 'sessions', {
        sku: 'dfly-mem-16g',
        edit: spec => {
          spec.backup.enabled = true;
        },
      }),
    );
    await reconcileClaim(deps, `${namespace}/sessions`);
    const claim = await getClaim('sessions');
    expect(claim.status?.backups).toEqual([
      {
        name: `sessions-${backupId}`,
        type: 'manual',
        backupId,
        phase: 'failed',
        message:
          "DragonflyDB's Kubernetes operator has no on-demand backup resource, so no backup can be taken on request; its scheduled backups are not affected.",
      },
    ]);
    // The database itself is not failed, and the answer does not flap.
    expect(claim.status?.phase).toBe('Provisioning');
    expect(await reconcileClaim(deps, `${namespace}/sessions`)).toMatchObject({
      statusWritten: false,
    });
  });

  it("asks Aerospike's backup routine for a requested backup and reports it handed over", async () => {
    const backupId = '5e6f7a8b-1c2d-4e3f-9a0b-1c2d3e4f5a6b';
    await createClaimRequesting(
      backupId,
      claimBody(namespace, 'cache', {
        sku: 'aero-strong-3',
        edit: dailyBackups,
      }),
    );
    await reconcileClaim(deps, `${namespace}/cache`);
    const aerospike = { group: 'asdb.aerospike.com', version: 'v1beta1' };
    const routine = (await read(
      'aerospikebackups',
      'cache-backup',
      aerospike,
    )) as any;
    // Accepted by the Aerospike operator's CRD.
    expect(routine.spec.onDemandBackups).toEqual([
      {
        id: backupId,
        routineName: `${namespace}-cache-backup-routine`,
        type: 'Full',
      },
    ]);
    expect((await getClaim('cache')).status?.backups).toEqual([
      expect.objectContaining({ backupId, type: 'manual', phase: 'pending' }),
    ]);

    // The Aerospike operator hands it to the backup service.
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...aerospike,
        namespace,
        plural: 'aerospikebackups',
        name: 'cache-backup',
        body: {
          status: {
            backupService: routine.spec.backupService,
            config: routine.spec.config,
            onDemandBackups: routine.spec.onDemandBackups,
          },
        },
      },
      mergePatch,
    );
    await reconcileClaim(deps, `${namespace}/cache`);
    expect((await getClaim('cache')).status?.backups).toEqual([
      expect.objectContaining({ backupId, phase: 'running' }),
    ]);
  });

  it("creates a YugabyteDB Backup for a requested backup, to the schedule's storage config", async () => {
    const backupId = '7c8d9e0f-2a3b-4c5d-8e6f-7a8b9c0d1e2f';
    await createClaimRequesting(
      backupId,
      claimBody(namespace, 'ledgerdb', {
        sku: 'yb-dedicated',
        edit: dailyBackups,
      }),
    );
    await reconcileClaim(deps, `${namespace}/ledgerdb`);
    const yugabyte = { group: 'operator.yugabyte.io', version: 'v1alpha1' };
    const backup = (await read(
      'backups',
      `ledgerdb-${backupId}`,
      yugabyte,
    )) as any;
    expect(backup.spec).toMatchObject({
      storageConfig: 'ledgerdb-backup',
      universe: 'ledgerdb',
      keyspace: 'yugabyte',
    });
    expect(
      await read('storageconfigs', 'ledgerdb-backup', yugabyte),
    ).toBeDefined();
    expect((await getClaim('ledgerdb')).status?.backups).toEqual([
      expect.objectContaining({ backupId, type: 'manual', phase: 'pending' }),
    ]);
  });
});
