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
            startedAt: '2026-03-01T02:00:01Z',
            stoppedAt: '2026-03-01T02:04:30Z',
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
        startedAt: '2026-03-01T02:00:01Z',
        completedAt: '2026-03-01T02:04:30Z',
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
            startedAt: '2026-03-01T03:00:00Z',
            stoppedAt: '2026-03-01T03:02:00Z',
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
      startedAt: '2026-03-01T03:00:00Z',
      completedAt: '2026-03-01T03:02:00Z',
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
