import { setTimeout as delay } from 'node:timers/promises';
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  CLAIM_ANNOTATIONS,
  SERVICE_CLAIM_API,
  formatZodError,
  serviceClaimSpecSchema,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
} from '@internal/test-services';
import { TEST_POP, claimBody } from '../__testUtils__/claimBody';
import { ObjectApi } from '../controller/ObjectApi';
import { OwnedResources } from '../controller/OwnedResources';
import { silentLogger } from '../logger';
import { BACKUP_ID_LABEL } from '../render/backup';
import {
  renderBackupRequest,
  renderClaim,
  renderFinalBackup,
} from '../render/renderClaim';
import { claimBackups } from '../status/claimBackups';
import { claimStatusFrom } from '../status/claimStatus';
import { ClaimApi, type StoredClaim } from './ClaimApi';
import { MANAGED_KINDS } from './managedKinds';
import {
  FINALIZER,
  MANAGED_SELECTOR,
  ReconcileError,
  reconcileClaim,
  type ReconcileDeps,
} from './reconcileClaim';

jest.setTimeout(60_000);

const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};
const cnpg = { group: 'postgresql.cnpg.io', version: 'v1' };

async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(20);
  }
}

describeWithServices(['kube'], 'reconcileClaim on a kube-apiserver', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const namespace = `tenant-reconcile-${Date.now().toString(36)}`;
  const objects = ObjectApi.fromKubeConfig(kc);
  const claims = new ClaimApi(kc);
  const owned = new OwnedResources({
    kubeConfig: kc,
    objects,
    kinds: MANAGED_KINDS,
    labelSelector: MANAGED_SELECTOR,
    logger: silentLogger,
  });
  // The real render and status modules; single tests swap in a failure.
  let render: ReconcileDeps['render'] = renderClaim;
  let finalBackup: ReconcileDeps['renderFinalBackup'] = renderFinalBackup;
  const deps: ReconcileDeps = {
    claims,
    objects,
    owned,
    managedKinds: () => owned.kinds(),
    render: (claim, ctx) => render(claim, ctx),
    renderFinalBackup: (claim, ctx) => finalBackup?.(claim, ctx),
    statusFrom: claimStatusFrom,
    backups: claimBackups,
    renderBackupRequest,
    context: {
      pop: TEST_POP,
      platformNamespaces: ['monitoring'],
      backupDestinationDefault: 's3://dbaas-backups-frankfurt',
    },
    logger: silentLogger,
    finalBackupPollMs: 1_000,
    deletionPollMs: 500,
  };

  const createClaim = (body: object) =>
    custom.createNamespacedCustomObject({ ...claimApi, namespace, body });
  const getClaim = async (name: string) =>
    (await claims.get(namespace, name)) as StoredClaim;
  const read = (plural: string, name: string, api = cnpg) =>
    custom
      .getNamespacedCustomObject({ ...api, namespace, plural, name })
      .catch(() => undefined);
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  const patchSpec = (name: string, spec: object) =>
    custom.patchNamespacedCustomObject(
      { ...claimApi, namespace, name, body: { spec } },
      mergePatch,
    );
  const conditionOf = (claim: StoredClaim, type = 'Ready') =>
    claim.status?.conditions?.find(c => c.type === type);
  const monitoring = { group: 'monitoring.coreos.com', version: 'v1' };

  beforeAll(async () => {
    // Every CRD, so each resource the renderer makes meets its owner's schema.
    await installCrds(kc);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    owned.start();
    await until('owned cache synced', () => owned.synced);
  });

  afterAll(async () => {
    await owned.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  afterEach(() => {
    render = renderClaim;
    finalBackup = renderFinalBackup;
  });

  it('applies a claim once; reconciling it again changes nothing', async () => {
    await createClaim(claimBody(namespace, 'orders'));
    const first = await reconcileClaim(deps, `${namespace}/orders`);
    expect(first).toEqual({ action: 'applied', statusWritten: true });

    const claim = await getClaim('orders');
    expect(claim.metadata.finalizers).toEqual([FINALIZER]);
    expect(claim.status).toMatchObject({
      phase: 'Provisioning',
      observedGeneration: 1,
    });
    const cluster = (await read('clusters', 'orders')) as any;
    expect(cluster.spec.storage.size).toBe('100Gi');
    expect(cluster.metadata.managedFields.map((f: any) => f.manager)).toEqual([
      'serviceclaim-operator',
    ]);
    expect(await read('scheduledbackups', 'orders-backup')).toBeDefined();
    expect(
      await read('podmonitors', 'orders-metrics', monitoring),
    ).toBeDefined();

    const versions = async () =>
      Promise.all([
        getClaim('orders').then(c => c.metadata.resourceVersion),
        ...[
          ['clusters', 'orders', cnpg],
          ['scheduledbackups', 'orders-backup', cnpg],
          ['podmonitors', 'orders-metrics', monitoring],
        ].map(([plural, name, api]) =>
          read(plural as string, name as string, api as typeof cnpg).then(
            (o: any) => o?.metadata.resourceVersion,
          ),
        ),
      ]);
    const before = await versions();
    for (let i = 0; i < 5; i++) {
      // The clock moves on; conditions keep their lastTransitionTime.
      expect(await reconcileClaim(deps, `${namespace}/orders`)).toEqual({
        action: 'applied',
        statusWritten: false,
      });
    }
    expect(await versions()).toEqual(before);
  });

  it('takes the claim to Active when the engine reports its cluster healthy', async () => {
    await createClaim(claimBody(namespace, 'payroll'));
    await reconcileClaim(deps, `${namespace}/payroll`);
    const cluster = (await read('clusters', 'payroll')) as any;
    // What CloudNativePG reports once every instance is up.
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...cnpg,
        plural: 'clusters',
        namespace,
        name: 'payroll',
        body: {
          status: {
            phase: 'Cluster in healthy state',
            instances: cluster.spec.instances,
            readyInstances: cluster.spec.instances,
          },
        },
      },
      mergePatch,
    );

    const active = await until('the claim is Active', async () => {
      await reconcileClaim(deps, `${namespace}/payroll`);
      const claim = await getClaim('payroll');
      return claim.status?.phase === 'Active' ? claim : undefined;
    });
    expect(conditionOf(active)).toMatchObject({
      status: 'True',
      observedGeneration: 1,
    });
    expect(active.status?.connection).toMatchObject({
      host: `payroll-rw.${namespace}.svc`,
      passwordSecretRef: { name: 'payroll-app' },
    });
    expect(JSON.stringify(active.status)).not.toMatch(/password"\s*:/i);
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
        spec: { cluster: { name: 'billing' }, method: 'barmanObjectStore' },
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

  it('follows an edit: applies the new spec, prunes what is no longer rendered, records the generation', async () => {
    // Pruning reads the cache of owned objects, which the watch fills.
    const { uid } = (await getClaim('orders')).metadata;
    await until('PodMonitor cached', () =>
      owned.ownedBy(uid).objects.some(o => o.kind === 'PodMonitor'),
    );
    await patchSpec('orders', {
      storage: { size: '200Gi' },
      observability: {
        metrics: { enabled: false },
        logs: { enabled: true },
      },
    });
    expect((await getClaim('orders')).metadata.generation).toBe(2);
    await reconcileClaim(deps, `${namespace}/orders`);
    expect(((await read('clusters', 'orders')) as any).spec.storage.size).toBe(
      '200Gi',
    );
    expect(
      await read('podmonitors', 'orders-metrics', monitoring),
    ).toBeUndefined();
    const claim = await getClaim('orders');
    expect(claim.status?.observedGeneration).toBe(2);
    expect(conditionOf(claim)?.observedGeneration).toBe(2);
  });

  it('reports a spec the CRD accepts but the rules refuse as InvalidSpec, exactly, once', async () => {
    const body = claimBody(namespace, 'even', {
      sku: 'yb-dedicated',
      edit: spec => {
        spec.replication.factor = 2;
      },
    });
    const expected = serviceClaimSpecSchema.safeParse(body.spec);
    expect(expected.success).toBe(false);
    const message = formatZodError(expected.error!);
    expect(message).toContain(
      'replication.factor: YugabyteDB needs an odd replication factor',
    );
    await createClaim(body);

    const outcome = await reconcileClaim(deps, `${namespace}/even`);
    expect(outcome).toEqual({ action: 'invalid', statusWritten: true });
    const claim = await getClaim('even');
    expect(claim.status?.phase).toBe('Failed');
    expect(conditionOf(claim)).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message,
      observedGeneration: 1,
    });
    // Nothing applied, nothing to clean up: no finalizer.
    expect(claim.metadata.finalizers).toBeUndefined();
    expect(
      await read('ybuniverses', 'even', {
        group: 'operator.yugabyte.io',
        version: 'v1alpha1',
      }),
    ).toBeUndefined();
    // No requeue and no rewrite: an invalid claim waits for its next edit.
    expect(await reconcileClaim(deps, `${namespace}/even`)).toEqual({
      action: 'invalid',
      statusWritten: false,
    });

    // Fixed: the claim is taken on (finalizer, apply) and InvalidSpec goes,
    // whatever the YugabyteDB operator's schema then says of the universe.
    await patchSpec('even', {
      replication: { factor: 3, regions: [TEST_POP] },
    });
    await reconcileClaim(deps, `${namespace}/even`).catch(() => undefined);
    const fixed = await getClaim('even');
    expect(fixed.metadata.finalizers).toEqual([FINALIZER]);
    expect(conditionOf(fixed)?.reason).not.toBe('InvalidSpec');
    expect(conditionOf(fixed)?.observedGeneration).toBe(2);
  });

  it('reports an apply the apiserver refuses on the claim, and throws for backoff', async () => {
    await createClaim(claimBody(namespace, 'broken'));
    render = (claim, ctx) =>
      renderClaim(claim, ctx).map(resource =>
        resource.kind === 'Cluster'
          ? // CloudNativePG's schema wants a number of instances, not words.
            { ...resource, spec: { ...resource.spec, instances: 'three' } }
          : resource,
      );
    const error = await reconcileClaim(deps, `${namespace}/broken`).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(ReconcileError);
    expect(error.reason).toBe('ApplyFailed');
    const ready = conditionOf(await getClaim('broken'));
    expect(ready).toMatchObject({ status: 'False', reason: 'ApplyFailed' });
    // Server-side apply answers a type error with 500 and the field's path.
    expect(ready?.message).toMatch(
      /^Cluster\/broken: HTTP 500: failed to create typed patch object .*\.spec\.instances: expected numeric/,
    );
  });

  it('on deletion requests a final backup, waits for it, deletes the resources, then removes the finalizer', async () => {
    await createClaim(claimBody(namespace, 'ledger'));
    await reconcileClaim(deps, `${namespace}/ledger`);
    expect(await read('clusters', 'ledger')).toBeDefined();
    await custom.deleteNamespacedCustomObject({
      ...claimApi,
      namespace,
      name: 'ledger',
    });
    expect((await getClaim('ledger')).metadata.deletionTimestamp).toBeDefined();

    const waiting = await reconcileClaim(deps, `${namespace}/ledger`);
    expect(waiting).toMatchObject({
      action: 'deleting',
      requeueAfterMs: 1_000,
    });
    const claim = await getClaim('ledger');
    expect(claim.status?.phase).toBe('Deleting');
    expect(conditionOf(claim)).toMatchObject({
      reason: 'FinalBackupPending',
      message: expect.stringContaining('Backup/ledger-final'),
    });
    // The portal sees the final backup under way.
    expect(claim.status?.backups).toEqual([
      { name: 'ledger-final', type: 'final', phase: 'pending' },
    ]);
    // The cluster stays while its backup runs.
    expect(await read('clusters', 'ledger')).toBeDefined();
    // Asked again, no second backup is requested.
    await reconcileClaim(deps, `${namespace}/ledger`);
    const backups = await custom.listNamespacedCustomObject({
      ...cnpg,
      namespace,
      plural: 'backups',
    });
    expect(backups.items.map((b: any) => b.metadata.name)).toEqual([
      'ledger-final',
    ]);

    // CloudNativePG reports the backup done.
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...cnpg,
        namespace,
        plural: 'backups',
        name: 'ledger-final',
        body: { status: { phase: 'completed' } },
      },
      mergePatch,
    );
    expect(await reconcileClaim(deps, `${namespace}/ledger`)).toMatchObject({
      action: 'deleted',
    });
    expect(await claims.get(namespace, 'ledger')).toBeUndefined();
    expect(await read('clusters', 'ledger')).toBeUndefined();
    expect(await read('scheduledbackups', 'ledger-backup')).toBeUndefined();
    expect(
      await read('podmonitors', 'ledger-metrics', monitoring),
    ).toBeUndefined();
    expect(
      await read('networkpolicies', 'ledger-access', {
        group: 'networking.k8s.io',
        version: 'v1',
      }),
    ).toBeUndefined();
    // The final backup outlives the claim.
    expect(await read('backups', 'ledger-final')).toBeDefined();
  });

  it('takes a requested backup once, reports it under its id, and keeps it', async () => {
    const backupId = '3a0e8d2c-7b61-4f0e-9a55-0c4b9e2d1f77';
    const body = claimBody(namespace, 'invoices');
    await createClaim({
      ...body,
      metadata: {
        ...body.metadata,
        annotations: { [CLAIM_ANNOTATIONS.backupRequest]: backupId },
      },
    });
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
    await until('Backup cached', () =>
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
    const body = claimBody(namespace, 'sessions', {
      sku: 'dfly-mem-16g',
      edit: spec => {
        spec.backup.enabled = true;
      },
    });
    await createClaim({
      ...body,
      metadata: {
        ...body.metadata,
        annotations: { [CLAIM_ANNOTATIONS.backupRequest]: backupId },
      },
    });
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
    const body = claimBody(namespace, 'cache', {
      sku: 'aero-strong-3',
      edit: spec => {
        spec.backup = { ...spec.backup, enabled: true, schedule: '0 2 * * *' };
      },
    });
    await createClaim({
      ...body,
      metadata: {
        ...body.metadata,
        annotations: { [CLAIM_ANNOTATIONS.backupRequest]: backupId },
      },
    });
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
    const body = claimBody(namespace, 'ledgerdb', {
      sku: 'yb-dedicated',
      edit: spec => {
        spec.backup = { ...spec.backup, enabled: true, schedule: '0 2 * * *' };
      },
    });
    await createClaim({
      ...body,
      metadata: {
        ...body.metadata,
        annotations: { [CLAIM_ANNOTATIONS.backupRequest]: backupId },
      },
    });
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

  it('keeps the finalizer and says why when the cleanup fails, and finishes once it can', async () => {
    await createClaim(claimBody(namespace, 'stuck'));
    await reconcileClaim(deps, `${namespace}/stuck`);
    // A backup request the apiserver refuses: CloudNativePG's schema needs a cluster.
    finalBackup = (claim, ctx) => ({
      ...renderFinalBackup(claim, ctx)!,
      spec: {},
    });
    await custom.deleteNamespacedCustomObject({
      ...claimApi,
      namespace,
      name: 'stuck',
    });
    const error = await reconcileClaim(deps, `${namespace}/stuck`).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(ReconcileError);
    expect(error.reason).toBe('FinalBackupFailed');
    let claim = await getClaim('stuck');
    expect(claim.metadata.finalizers).toEqual([FINALIZER]);
    expect(conditionOf(claim)).toMatchObject({
      status: 'False',
      reason: 'FinalBackupFailed',
      message: expect.stringMatching(
        /^final backup Backup\/stuck-final: HTTP 422: .*spec.cluster: Required value/,
      ),
    });
    expect(await read('clusters', 'stuck')).toBeDefined();

    // Now without a backup, but the cluster carries its operator's finalizer.
    finalBackup = undefined;
    await custom.patchNamespacedCustomObject(
      {
        ...cnpg,
        namespace,
        plural: 'clusters',
        name: 'stuck',
        body: { metadata: { finalizers: ['cnpg.io/cleanup'] } },
      },
      mergePatch,
    );
    expect(await reconcileClaim(deps, `${namespace}/stuck`)).toMatchObject({
      action: 'deleting',
      requeueAfterMs: 500,
    });
    claim = await getClaim('stuck');
    expect(claim.metadata.finalizers).toEqual([FINALIZER]);
    expect(conditionOf(claim)).toMatchObject({
      reason: 'WaitingForResources',
      message:
        'Waiting for Cluster/stuck (finalizers: cnpg.io/cleanup) to be deleted',
    });

    // The engine operator lets go of its cluster.
    await custom.patchNamespacedCustomObject(
      {
        ...cnpg,
        namespace,
        plural: 'clusters',
        name: 'stuck',
        body: { metadata: { finalizers: null } },
      },
      mergePatch,
    );
    expect((await reconcileClaim(deps, `${namespace}/stuck`)).action).toBe(
      'deleted',
    );
    expect(await claims.get(namespace, 'stuck')).toBeUndefined();
  });

  it('does nothing for a claim that is gone', async () => {
    expect(await reconcileClaim(deps, `${namespace}/never`)).toEqual({
      action: 'absent',
      statusWritten: false,
    });
  });
});
