/**
 * How long the operator takes, and how much memory it holds, to reconcile 1,000
 * PostgreSQL claims on the local kube-apiserver (scripts/services.sh start kube):
 * the first reconcile of every claim, an idle resync of all of them, an edit of
 * all of them, and their deletion through the finalizer. Prints figures;
 * asserts nothing.
 *
 *   yarn workspace @internal/serviceclaim-operator bench
 *   CLAIMS=1000 WORKERS=8 node --expose-gc --require @backstage/cli/config/nodeTransform.cjs bench/reconcile1000.ts
 *
 * The operator and the client that plays the portal run in one process; the
 * client holds little (names), so the memory figures are the operator's.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  installCrds,
  kubeConfigFrom,
  serviceEnv,
} from '@internal/test-services';
import { createLogger } from '../src/logger';
import { FINALIZER } from '../src/reconcile/reconcileClaim';
import { renderClaim, renderFinalBackup } from '../src/render/renderClaim';
import { runOperator } from '../src/runOperator';
import { claimStatusFrom } from '../src/status/claimStatus';

const CLAIMS = Number(process.env.CLAIMS ?? 1000);
const WORKERS = Number(process.env.WORKERS ?? 8);
const CLIENT_CONCURRENCY = 32;
const POP = 'frankfurt';

const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function memory(label: string) {
  const m = process.memoryUsage();
  return `${label}: RSS ${mib(m.rss)}, heap used ${mib(m.heapUsed)} of ${mib(
    m.heapTotal,
  )}`;
}

/** Runs `task` over `items`, `limit` at a time. */
async function inParallel<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]);
    }),
  );
}

async function main() {
  const found = serviceEnv('kube');
  if ('missing' in found) throw new Error(found.missing);
  const kc = kubeConfigFrom(found.env);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const run = Date.now().toString(36);
  const namespace = `tenant-bench-${run}`;
  const names = Array.from(
    { length: CLAIMS },
    (_, i) => `db-${String(i).padStart(4, '0')}`,
  );

  await installCrds(kc);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const spec = specFromSku(skuCatalog, 'pg-shared', POP);
  let started = performance.now();
  await inParallel(names, CLIENT_CONCURRENCY, name =>
    custom.createNamespacedCustomObject({
      ...claimApi,
      namespace,
      body: {
        apiVersion: `${claimApi.group}/${claimApi.version}`,
        kind: SERVICE_CLAIM_API.kind,
        metadata: {
          name,
          namespace,
          labels: {
            [DBAAS_LABELS.serviceId]: `svc-${run}-${name}`,
            [DBAAS_LABELS.serviceName]: name,
            'bench-run': run,
          },
        },
        spec,
      },
    }),
  );
  console.log(
    `created ${CLAIMS} claims in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s (client, ${CLIENT_CONCURRENCY} at a time)`,
  );

  // Reconciles by claim since the current phase began.
  let since = new Map<string, number>();
  const reconciles = { success: 0, requeue: 0, error: 0 };
  const listClaims = async () =>
    (await custom.listNamespacedCustomObject({ ...claimApi, namespace }))
      .items as any[];
  const count = async (group: string, version: string, plural: string) =>
    (
      await custom.listNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
      })
    ).items.length;
  /** Waits until every claim was reconciled in this phase and `done` holds. */
  const phase = async (label: string, done: () => Promise<boolean>) => {
    for (;;) {
      if (since.size >= CLAIMS && (await done())) break;
      await delay(since.size >= CLAIMS ? 200 : 50);
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${label}: ${seconds.toFixed(1)} s (${(CLAIMS / seconds).toFixed(
        0,
      )} claims/s)`,
    );
  };
  const startPhase = () => {
    since = new Map();
    started = performance.now();
  };

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  console.log(memory('before the operator'));
  startPhase();
  const operator = await runOperator(
    {
      kubeConfig: kc,
      namespace,
      identity: 'bench',
      leaseName: 'serviceclaim-operator',
      claimSelector: `bench-run=${run}`,
      context: {
        pop: POP,
        platformNamespaces: ['monitoring'],
        backupDestinationDefault: 's3://dbaas-backups-frankfurt',
      },
      metricsPort: 0,
      concurrency: WORKERS,
      resyncSeconds: 3600,
      drainSeconds: 10,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      logLevel: 'warn',
    },
    {
      render: renderClaim,
      renderFinalBackup,
      statusFrom: claimStatusFrom,
      logger: createLogger({
        level: 'warn',
        write: line => process.stderr.write(`${line}\n`),
      }),
      onReconciled: (key, result) => {
        reconciles[result] += 1;
        if (result !== 'error') since.set(key, (since.get(key) ?? 0) + 1);
      },
    },
  );

  await phase('first reconcile of every claim', async () => {
    const claims = await listClaims();
    return (
      claims.every(
        c =>
          c.metadata.finalizers?.includes(FINALIZER) &&
          c.status?.observedGeneration === c.metadata.generation,
      ) && (await count('postgresql.cnpg.io', 'v1', 'clusters')) === CLAIMS
    );
  });
  console.log(
    `  reconciles: ${reconciles.success} ok, ${reconciles.requeue} requeued, ${reconciles.error} failed ` +
      `(more than one per claim: the watch of the resources it applied brings each claim back once)`,
  );
  console.log(
    `  ${memory('after')}; peak RSS ${mib(
      process.resourceUsage().maxRSS * 1024,
    )}`,
  );
  await delay(2_000);
  gc?.();
  console.log(`  ${memory('settled, after GC')}`);

  const versions = new Map(
    (await listClaims()).map(c => [
      c.metadata.name,
      c.metadata.resourceVersion,
    ]),
  );
  const clusterVersions = async () =>
    (
      await custom.listNamespacedCustomObject({
        group: 'postgresql.cnpg.io',
        version: 'v1',
        namespace,
        plural: 'clusters',
      })
    ).items
      .map((c: any) => c.metadata.resourceVersion)
      .join();
  const clustersBefore = await clusterVersions();
  startPhase();
  operator.resync();
  await phase('idle resync of every claim', async () => true);
  const unchanged = (await listClaims()).filter(
    c => versions.get(c.metadata.name) === c.metadata.resourceVersion,
  ).length;
  console.log(
    `  claims left unwritten: ${unchanged}/${CLAIMS}; clusters unwritten: ${
      clustersBefore === (await clusterVersions()) ? 'all' : 'NOT all'
    }`,
  );

  startPhase();
  await inParallel(names, CLIENT_CONCURRENCY, name =>
    custom.patchNamespacedCustomObject(
      {
        ...claimApi,
        namespace,
        name,
        body: { spec: { backup: { enabled: false } } },
      },
      mergePatch,
    ),
  );
  await phase(
    'edit of every claim (backups off: ScheduledBackup pruned)',
    async () => {
      const claims = await listClaims();
      return (
        claims.every(c => c.status?.observedGeneration === 2) &&
        (await count('postgresql.cnpg.io', 'v1', 'scheduledbackups')) === 0
      );
    },
  );

  startPhase();
  await inParallel(names, CLIENT_CONCURRENCY, name =>
    custom.deleteNamespacedCustomObject({ ...claimApi, namespace, name }),
  );
  since = new Map(names.map(name => [name, 1]));
  await phase('deletion of every claim through the finalizer', async () => {
    return (
      (await listClaims()).length === 0 &&
      (await count('postgresql.cnpg.io', 'v1', 'clusters')) === 0
    );
  });

  const metrics = await operator.metrics.registry.getSingleMetricAsString(
    'serviceclaim_operator_reconcile_duration_seconds',
  );
  const sum = Number(/_sum (\S+)/.exec(metrics)?.[1]);
  const total = Number(/_count (\S+)/.exec(metrics)?.[1]);
  console.log(
    `reconciles in all: ${total}, mean ${((sum / total) * 1000).toFixed(
      1,
    )} ms each, ${WORKERS} workers`,
  );
  await operator.stop();
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
