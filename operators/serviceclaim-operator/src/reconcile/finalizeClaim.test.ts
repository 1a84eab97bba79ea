import { describeWithServices } from '@internal/test-services';
import { claimBody } from '../__testUtils__/claimBody';
import { renderFinalBackup } from '../render/renderClaim';
import {
  claimApi,
  cnpg,
  mergePatch,
  monitoring,
  reconcileOnKube,
} from './__testUtils__/reconcileOnKube';
import { FINALIZER } from './cleanupFinalizer';
import { reconcileClaim } from './reconcileClaim';
import { ReconcileError } from './ReconcileOutcome';

jest.setTimeout(60_000);

// Through reconcileClaim, which finalizes a claim being deleted.
describeWithServices(['kube'], 'finalizeClaim on a kube-apiserver', env => {
  const {
    namespace,
    custom,
    claims,
    deps,
    parts,
    createClaim,
    getClaim,
    read,
    conditionOf,
  } = reconcileOnKube(env, 'finalize');

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

  it('keeps the finalizer and says why when the cleanup fails, and finishes once it can', async () => {
    await createClaim(claimBody(namespace, 'stuck'));
    await reconcileClaim(deps, `${namespace}/stuck`);
    // A backup request the apiserver refuses: CloudNativePG's schema needs a cluster.
    parts.finalBackup = (claim, ctx) => ({
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
    parts.finalBackup = undefined;
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
});
