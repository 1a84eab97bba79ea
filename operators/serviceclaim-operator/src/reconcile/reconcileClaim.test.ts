import {
  formatZodError,
  runnableClaimSpecSchema,
  serviceClaimSpecSchema,
} from '@internal/backstage-plugin-dbaas-common';
import { AppsV1Api } from '@kubernetes/client-node';
import {
  describeWithServices,
  eventually,
  kubeConfigFrom,
} from '@internal/test-services';
import { TEST_POP, claimBody } from '../__testUtils__/claimBody';
import { renderClaim } from '../render/renderClaim';
import {
  cnpg,
  mergePatch,
  monitoring,
  reconcileOnKube,
} from './__testUtils__/reconcileOnKube';
import { FINALIZER } from './cleanupFinalizer';
import { reconcileClaim } from './reconcileClaim';
import { ReconcileError } from './ReconcileOutcome';

jest.setTimeout(60_000);

// The live claim's steps: validate, render, apply (applyClaim.ts), prune
// (pruneClaim.ts) and write the status (writeClaimStatus.ts).
describeWithServices(['kube'], 'reconcileClaim on a kube-apiserver', env => {
  const {
    namespace,
    custom,
    owned,
    deps,
    parts,
    createClaim,
    getClaim,
    read,
    patchSpec,
    conditionOf,
  } = reconcileOnKube(env, 'reconcile');
  const apps = kubeConfigFrom(env).makeApiClient(AppsV1Api);
  const dragonflyApi = { group: 'dragonflydb.io', version: 'v1alpha1' };

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

    const active = await eventually('the claim is Active', async () => {
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

  it("takes a Dragonfly claim to Active only once the Dragonfly operator's StatefulSet has every pod ready", async () => {
    const name = 'sessions';
    await createClaim(claimBody(namespace, name, { sku: 'dfly-mem-64g' }));
    // The Dragonfly's status and its StatefulSet change without the claim's
    // objects telling: the claim is looked at again while it is on its way.
    const poll = { requeueAfterMs: deps.relatedPollMs };
    expect(await reconcileClaim(deps, `${namespace}/${name}`)).toEqual({
      action: 'applied',
      statusWritten: true,
      ...poll,
    });
    const instance = (await read('dragonflies', name, dragonflyApi)) as any;
    const replicas: number = instance.spec.replicas;
    expect(replicas).toBeGreaterThan(1);

    // What the Dragonfly operator reports once the first pod is master, and
    // makes (internal/resources/resources.go@v1.6.1): the StatefulSet
    // named after the Dragonfly, one pod of it ready.
    await custom.patchNamespacedCustomObjectStatus(
      {
        ...dragonflyApi,
        plural: 'dragonflies',
        namespace,
        name,
        body: { status: { phase: 'Ready' } },
      },
      mergePatch,
    );
    const selector = {
      app: name,
      'app.kubernetes.io/name': 'dragonfly',
      'app.kubernetes.io/part-of': 'dragonfly',
    };
    const set = await apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: { name, labels: selector },
        spec: {
          replicas,
          serviceName: name,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels: selector },
            spec: { containers: [{ name: 'dragonfly', image: 'dragonfly' }] },
          },
        },
      },
    });
    const counted = (ready: number) =>
      apps.patchNamespacedStatefulSetStatus(
        {
          namespace,
          name,
          body: {
            status: {
              observedGeneration: set.metadata!.generation,
              replicas,
              readyReplicas: ready,
            },
          },
        },
        mergePatch,
      );
    const reconciled = async () => ({
      outcome: await reconcileClaim(deps, `${namespace}/${name}`),
      claim: await getClaim(name),
    });

    await counted(1);
    const building = await reconciled();
    expect(building.outcome).toMatchObject(poll);
    expect(building.claim.status?.phase).toBe('Provisioning');
    expect(conditionOf(building.claim)?.message).toBe(
      `The master serves; 1 of ${replicas} pods ready.`,
    );

    await counted(replicas);
    const active = await reconciled();
    expect(active.outcome).toEqual({ action: 'applied', statusWritten: true });
    expect(active.claim.status?.phase).toBe('Active');
    expect(conditionOf(active.claim, 'Degraded')?.status).toBe('False');

    // A pod lost after it served: Active, degraded, with the counts.
    await counted(replicas - 1);
    const degraded = await reconciled();
    expect(degraded.outcome).toMatchObject(poll);
    expect(degraded.claim.status?.phase).toBe('Active');
    expect(conditionOf(degraded.claim, 'Degraded')).toMatchObject({
      status: 'True',
      reason: 'PodsNotReady',
      message: `The master serves; ${replicas - 1} of ${replicas} pods ready.`,
    });
  });

  it('follows an edit: applies the new spec, prunes what is no longer rendered, records the generation', async () => {
    // Pruning reads the cache of owned objects, which the watch fills.
    const { uid } = (await getClaim('orders')).metadata;
    await eventually('PodMonitor cached', () =>
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

  it('reports a spec the CRD accepts but the render cannot take as InvalidSpec, exactly, once', async () => {
    const body = claimBody(namespace, 'astray', {
      sku: 'yb-dedicated',
      edit: spec => {
        spec.replication.regions = ['lagos'];
      },
    });
    const expected = runnableClaimSpecSchema.safeParse(body.spec);
    expect(expected.success).toBe(false);
    const message = formatZodError(expected.error!);
    expect(message).toBe(
      `replication.regions: Must include the primary region ${TEST_POP}`,
    );
    await createClaim(body);

    const outcome = await reconcileClaim(deps, `${namespace}/astray`);
    expect(outcome).toEqual({ action: 'invalid', statusWritten: true });
    const claim = await getClaim('astray');
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
      await read('ybuniverses', 'astray', {
        group: 'operator.yugabyte.io',
        version: 'v1alpha1',
      }),
    ).toBeUndefined();
    // No requeue and no rewrite: an invalid claim waits for its next edit.
    expect(await reconcileClaim(deps, `${namespace}/astray`)).toEqual({
      action: 'invalid',
      statusWritten: false,
    });

    // Fixed: the claim is taken on (finalizer, apply) and InvalidSpec goes,
    // whatever the YugabyteDB operator's schema then says of the universe.
    await patchSpec('astray', { replication: { regions: [TEST_POP] } });
    await reconcileClaim(deps, `${namespace}/astray`).catch(() => undefined);
    const fixed = await getClaim('astray');
    expect(fixed.metadata.finalizers).toEqual([FINALIZER]);
    expect(conditionOf(fixed)?.reason).not.toBe('InvalidSpec');
    expect(conditionOf(fixed)?.observedGeneration).toBe(2);
  });

  it("keeps running a claim that today's offer or rules would refuse: a retired version, an old rule", async () => {
    // Vitess 22.0 left the catalog, and the claim predates a rule the portal
    // now applies: the portal refuses its next change, the operator runs it.
    const body = claimBody(namespace, 'legacy', {
      sku: 'vt-dedicated',
      edit: spec => {
        spec.version = '22.0';
        spec.storage.size = '50Gi';
      },
    });
    expect(
      formatZodError(serviceClaimSpecSchema.safeParse(body.spec).error!),
    ).toBe(
      'storage.size: Must be between 100Gi and 10Ti; version: Vitess (MySQL) is offered in versions 23.0, 24.0',
    );
    await createClaim(body);
    expect(await reconcileClaim(deps, `${namespace}/legacy`)).toEqual({
      action: 'applied',
      statusWritten: true,
    });
    const cluster: any = await read('vitessclusters', 'legacy', {
      group: 'planetscale.com',
      version: 'v2',
    });
    // Its pinned release, as images.ts keeps it.
    expect(cluster.spec.images.vtgate).toMatch(/:v22\.0\.1-mysql80$/);
  });

  it('reports an apply the apiserver refuses on the claim, and throws for backoff', async () => {
    await createClaim(claimBody(namespace, 'broken'));
    parts.render = (claim, ctx) =>
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

  it('does nothing for a claim that is gone', async () => {
    expect(await reconcileClaim(deps, `${namespace}/never`)).toEqual({
      action: 'absent',
      statusWritten: false,
    });
  });
});
