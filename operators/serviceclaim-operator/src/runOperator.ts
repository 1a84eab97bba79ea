import { cdcDeps, closeCdcDeps } from './cdc/reconcileCdc';
import type { CdcSettings } from './cdc/connectorConfig';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import {
  Informer,
  ObjectApi,
  describeError,
  objectKey,
  type InformerEvent,
} from '@internal/backstage-plugin-dbaas-node';
import { LeaderElector } from './controller/LeaderElector';
import { registerDatabaseMetrics } from './controller/databaseMetrics';
import {
  createOperatorMetrics,
  type OperatorMetrics,
} from './controller/metrics';
import { OwnedResources } from './controller/OwnedResources';
import { WorkQueue } from './controller/WorkQueue';
import type { OperatorConfig } from './configFromEnv';
import { createLogger, type Logger } from './logger';
import { ClaimApi, type StoredClaim } from './reconcile/ClaimApi';
import { MANAGED_KINDS, type ManagedKind } from './reconcile/managedKinds';
import {
  MANAGED_SELECTOR,
  reconcileClaim,
  type ReconcileDeps,
} from './reconcile/reconcileClaim';
import { startServer, type OperatorServer } from './server';

/**
 * The functions that make a claim into resources and status (the render and
 * status modules in production, stand-ins in tests), and what tests may replace.
 */
export type OperatorParts = Pick<
  ReconcileDeps,
  'render' | 'renderFinalBackup' | 'statusFrom'
> &
  Partial<
    Pick<
      ReconcileDeps,
      'related' | 'backups' | 'renderBackupRequest' | 'objects' | 'now'
    >
  > & {
    /** Where CDC connectors reach a claim's database (default: CloudNativePG's Service). */
    cdcEndpoint?: CdcSettings['endpoint'];
    logger?: Logger;
    managedKinds?: ManagedKind[];
    /** Called after each reconcile with the claim's key and how it ended. */
    onReconciled?: (
      key: string,
      result: 'success' | 'requeue' | 'error',
    ) => void;
  };

/** A running operator. */
export type RunningOperator = {
  metrics: OperatorMetrics;
  server: OperatorServer;
  readonly isLeader: boolean;
  /** Whether the claim cache is filled. */
  readonly ready: boolean;
  /** Queues every claim for a reconcile now, as the periodic resync does. */
  resync(): void;
  /**
   * Stops reconciling (in-flight work gets the drain deadline), releases the
   * Lease unless `release` is false, and stops watching and serving.
   */
  stop(options?: { release?: boolean }): Promise<void>;
};

/** Whether a claim event can change what a reconcile does; status-only writes cannot. */
function claimChanged(event: InformerEvent<StoredClaim>): boolean {
  if (event.type !== 'MODIFIED' || !event.previous) return true;
  const meta = (claim: StoredClaim) =>
    JSON.stringify([
      claim.metadata.generation,
      claim.metadata.deletionTimestamp,
      claim.metadata.finalizers,
      claim.metadata.labels,
      claim.metadata.annotations,
    ]);
  return meta(event.previous) !== meta(event.object);
}

/**
 * Wires and starts the operator: the claim informer and the cache of owned
 * objects (on every replica, so a standby takes over warm), leader election,
 * and, on the leader only, a work queue whose workers run reconcileClaim.
 */
export async function runOperator(
  config: OperatorConfig,
  parts: OperatorParts,
): Promise<RunningOperator> {
  const logger =
    parts.logger ??
    createLogger({ level: config.logLevel, fields: { pod: config.identity } });
  const metrics = createOperatorMetrics();
  const kc = config.kubeConfig;
  const objects = parts.objects ?? ObjectApi.fromKubeConfig(kc);
  let queue: WorkQueue | undefined;
  let resync: NodeJS.Timeout | undefined;
  const enqueue = (key: string) => queue?.add(key);

  const claimInformer = new Informer<StoredClaim>({
    kubeConfig: kc,
    objects: ObjectApi.fromKubeConfig(kc),
    apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
    kind: SERVICE_CLAIM_API.kind,
    labelSelector: config.claimSelector || undefined,
    logger,
    onEvent: event => {
      if (claimChanged(event)) enqueue(objectKey(event.object));
    },
  });
  // From the cache every replica keeps: the standby serves the same series.
  registerDatabaseMetrics(metrics.registry, () => claimInformer.list());
  const owned = new OwnedResources({
    kubeConfig: kc,
    objects: ObjectApi.fromKubeConfig(kc),
    kinds: parts.managedKinds ?? MANAGED_KINDS,
    labelSelector: MANAGED_SELECTOR,
    logger,
    onOwnerChanged: key => {
      // Only claims the informer has: those matching the selector, still there.
      if (claimInformer.get(key)) enqueue(key);
    },
  });
  const deps: ReconcileDeps = {
    claims: new ClaimApi(kc),
    objects,
    owned,
    managedKinds: () => owned.kinds(),
    render: parts.render,
    renderFinalBackup: parts.renderFinalBackup,
    statusFrom: parts.statusFrom,
    related: parts.related,
    backups: parts.backups,
    renderBackupRequest: parts.renderBackupRequest,
    cdc: config.cdc
      ? cdcDeps(config.cdc, objects, {
          pop: config.context.pop,
          logger,
          endpoint: parts.cdcEndpoint,
        })
      : undefined,
    context: config.context,
    logger,
    now: parts.now,
    credentialsCreated: new Set(),
  };

  const handle = async (key: string, signal: AbortSignal) => {
    const endTimer = metrics.reconcileDuration.startTimer();
    let result: 'success' | 'requeue' | 'error' = 'error';
    try {
      const outcome = await reconcileClaim(deps, key, signal);
      result = outcome.requeueAfterMs === undefined ? 'success' : 'requeue';
      logger.debug('reconciled', { claim: key, action: outcome.action });
      return outcome.requeueAfterMs === undefined
        ? undefined
        : { requeueAfterMs: outcome.requeueAfterMs };
    } catch (error) {
      metrics.reconcileErrors.inc();
      throw error;
    } finally {
      endTimer();
      metrics.reconcileTotal.inc({ result });
      parts.onReconciled?.(key, result);
    }
  };

  const startWorkers = async (signal: AbortSignal) => {
    const work = new WorkQueue({
      concurrency: config.concurrency,
      handle,
      onDepth: depth => metrics.workqueueDepth.set(depth),
      onError: (key, error, retryInMs) =>
        logger.warn('reconcile failed; retrying', {
          claim: key,
          error: describeError(error),
          retryInMs,
        }),
    });
    // Reconciling before the cache is full would prune from half a picture.
    if (!(await claimInformer.waitForSync(signal))) return;
    if (signal.aborted) return;
    queue = work;
    for (const claim of claimInformer.list()) work.add(objectKey(claim));
    work.start();
    resync = setInterval(() => {
      for (const claim of claimInformer.list()) enqueue(objectKey(claim));
    }, config.resyncSeconds * 1000);
    logger.info('reconciling', { claims: claimInformer.list().length });
  };

  const stopWorkers = async (deadlineSeconds = config.drainSeconds) => {
    clearInterval(resync);
    const work = queue;
    queue = undefined;
    if (!work) return;
    const drained = await work.shutdown({
      deadlineMs: deadlineSeconds * 1000,
    });
    metrics.workqueueDepth.set(0);
    logger.info(
      drained ? 'work drained' : 'drain deadline passed; work aborted',
    );
  };

  claimInformer.start();
  owned.start();
  const server = await startServer({
    port: config.metricsPort,
    registry: metrics.registry,
    ready: () => claimInformer.synced,
  });

  let elector: LeaderElector | undefined;
  let standalone: AbortController | undefined;
  if (config.leaseName) {
    elector = new LeaderElector({
      kubeConfig: kc,
      namespace: config.namespace,
      name: config.leaseName,
      identity: config.identity,
      logger,
      leaseDurationSeconds: config.leaseDurationSeconds,
      renewDeadlineSeconds: config.renewDeadlineSeconds,
      retryPeriodSeconds: config.retryPeriodSeconds,
      onStartedLeading: async signal => {
        metrics.leader.set(1);
        await startWorkers(signal);
      },
      onStoppedLeading: async ({ lost }) => {
        metrics.leader.set(0);
        // A lost Lease may be taken over leaseDuration - renewDeadline after
        // the last renewal: in-flight reconciles are cut before then, so that
        // two replicas never write a claim at once.
        await stopWorkers(
          lost
            ? Math.min(
                config.drainSeconds,
                Math.max(
                  config.leaseDurationSeconds - config.renewDeadlineSeconds - 1,
                  0,
                ),
              )
            : config.drainSeconds,
        );
      },
    });
    elector.start();
  } else {
    logger.warn('LEASE_NAME is empty: reconciling without leader election');
    standalone = new AbortController();
    metrics.leader.set(1);
    void startWorkers(standalone.signal);
  }

  return {
    metrics,
    server,
    get isLeader() {
      return elector ? elector.isLeader : true;
    },
    get ready() {
      return claimInformer.synced;
    },
    resync() {
      for (const claim of claimInformer.list()) enqueue(objectKey(claim));
    },
    async stop(options = {}) {
      if (elector) await elector.stop({ release: options.release ?? true });
      else {
        standalone?.abort();
        await stopWorkers();
      }
      await Promise.all([claimInformer.stop(), owned.stop()]);
      if (deps.cdc) await closeCdcDeps(deps.cdc);
      await server.close();
    },
  };
}
