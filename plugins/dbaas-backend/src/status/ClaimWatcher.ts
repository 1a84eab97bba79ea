import { setTimeout as delay } from 'node:timers/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ApiException,
  CustomObjectsApi,
  Observable,
  Watch,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  formatZodError,
  serviceClaimStatusSchema,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';

/** What happened to a ServiceClaim in a cluster. */
export type ClaimEvent = {
  /** The cluster's name in the `kubernetes` config. */
  cluster: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The portal's database id, from the claim's `dbaas.io/service-id` label. */
  serviceId: string;
  namespace: string;
  name: string;
  /** The spec generation the cluster has; compare with `status.observedGeneration`. */
  generation?: number;
  /**
   * The portal's generation of the spec the cluster has (the claim's
   * `dbaas.io/generation` annotation): Kubernetes' own restarts at 1 when a claim
   * is re-created and moves on edits made in the cluster.
   */
  portalGeneration?: number;
  /** Undefined when the claim has no status yet, or one that does not parse. */
  status?: ServiceClaimStatus;
  /** When the portal learnt of it. */
  observedAt: Date;
};

/** A cluster to watch. */
export type WatchedCluster = { name: string; kubeConfig: KubeConfig };

/** Options of {@link ClaimWatcher}. */
export type ClaimWatcherOptions = {
  clusters: WatchedCluster[];
  logger: LoggerService;
  /**
   * Called once per event, in the order the clusters sent them (one call at a
   * time). A throw is logged and the event is not redelivered.
   */
  onClaim: (event: ClaimEvent) => void | Promise<void>;
  /** Restart delays after failures; defaults 500 ms doubling up to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * How long the apiserver keeps one watch open before ending it cleanly (it is
   * then resumed from the last resourceVersion); default 300 s. A watch still
   * open 30 s after that is taken for a dead connection and restarted.
   */
  watchTimeoutSeconds?: number;
};

type WatchOutcome = {
  kind: 'closed' | 'gone' | 'failed';
  error?: unknown;
  resourceVersion: string;
  /** Whether the watch got anywhere: an event, or a normal lifetime. */
  healthy: boolean;
};

type ClaimObject = {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
    resourceVersion?: string;
  };
  status?: unknown;
};

const LIST_PAGE_SIZE = 500;
const DEAD_WATCH_GRACE_MS = 30_000;
// A watch that ends sooner than this without an event did not really work.
const HEALTHY_WATCH_MS = 5_000;

/**
 * Watches the ServiceClaims (those labelled with a service id, in every
 * namespace) of each configured cluster and reports what happens to them: list,
 * then watch from the list's resourceVersion, for as long as it runs.
 *
 * Supervised per cluster: a failed list or watch is retried with exponential
 * backoff and jitter; a watch the apiserver ends is resumed where it stopped; a
 * 410 Gone (the resourceVersion was compacted away) relists from scratch. Each
 * list reports every claim again (ADDED when new to the watcher, else MODIFIED)
 * and DELETED for claims that vanished while the watch was down, so a consumer
 * that applies events idempotently is always caught up after a list.
 */
export class ClaimWatcher {
  private readonly logger: LoggerService;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly watchTimeoutSeconds: number;
  private abort?: AbortController;
  private running: Promise<void>[] = [];
  private delivering: Promise<void> = Promise.resolve();

  constructor(private readonly options: ClaimWatcherOptions) {
    this.logger = options.logger;
    this.initialBackoffMs = options.backoff?.initialMs ?? 500;
    this.maxBackoffMs = options.backoff?.maxMs ?? 30_000;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
  }

  /** Starts watching every cluster in the background until {@link ClaimWatcher.stop}. */
  start(): void {
    if (this.abort) return;
    const abort = new AbortController();
    this.abort = abort;
    this.running = this.options.clusters.map(cluster =>
      this.superviseCluster(cluster, abort.signal),
    );
  }

  /**
   * Ends every list, watch and pending retry, and resolves once they have
   * stopped and the events already received are delivered.
   */
  async stop(): Promise<void> {
    this.abort?.abort();
    await Promise.all(this.running);
    await this.delivering;
    this.abort = undefined;
    this.running = [];
  }

  private async superviseCluster(
    cluster: WatchedCluster,
    signal: AbortSignal,
  ): Promise<void> {
    const api = cluster.kubeConfig.makeApiClient(CustomObjectsApi);
    // namespace/name → service id: what a DELETED for a vanished claim needs.
    const known = new Map<string, string>();
    let resourceVersion: string | undefined;
    // Consecutive attempts that got nowhere; sets the backoff.
    let failures = 0;
    while (!signal.aborted) {
      let delayMs = 0;
      try {
        if (resourceVersion === undefined) {
          resourceVersion = await this.relist(cluster, api, known, signal);
        }
        const outcome = await this.watchOnce(
          cluster,
          resourceVersion,
          known,
          signal,
        );
        if (signal.aborted) break;
        resourceVersion = outcome.resourceVersion;
        if (outcome.healthy) failures = 0;
        if (outcome.kind === 'closed' && outcome.healthy) {
          // The apiserver ends every watch after watchTimeoutSeconds.
          this.logger.debug(
            `ServiceClaim watch on cluster ${cluster.name} closed; resuming from ${resourceVersion}`,
          );
        }
        if (outcome.kind === 'gone') {
          this.logger.info(
            `ServiceClaim watch on cluster ${cluster.name}: resourceVersion ${resourceVersion} expired (410 Gone); listing again`,
          );
          resourceVersion = undefined;
          failures += 1;
          // The first 410 is routine after a long watch; repeated ones are not.
          delayMs = failures === 1 ? 0 : this.backoff(failures);
        } else if (outcome.kind === 'failed' || !outcome.healthy) {
          failures += 1;
          delayMs = this.backoff(failures);
          this.logger.warn(
            `ServiceClaim watch on cluster ${
              cluster.name
            } ended: ${describeError(
              outcome.error ?? 'closed at once',
            )}; retrying in ${delayMs} ms`,
          );
        }
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        delayMs = this.backoff(failures);
        this.logger.warn(
          `ServiceClaim list on cluster ${cluster.name} failed: ${describeError(
            error,
          )}; retrying in ${delayMs} ms`,
        );
      }
      await sleep(delayMs, signal);
    }
  }

  /** Lists every claim, reports it, and returns the list's resourceVersion. */
  private async relist(
    cluster: WatchedCluster,
    api: CustomObjectsApi,
    known: Map<string, string>,
    signal: AbortSignal,
  ): Promise<string> {
    const items: ClaimObject[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = await api.listCustomObjectForAllNamespaces(
        {
          group: SERVICE_CLAIM_API.group,
          version: SERVICE_CLAIM_API.version,
          plural: SERVICE_CLAIM_API.plural,
          labelSelector: DBAAS_LABELS.serviceId,
          limit: LIST_PAGE_SIZE,
          _continue: continueToken,
        },
        abortable(signal),
      );
      items.push(...(page.items ?? []));
      resourceVersion = page.metadata?.resourceVersion ?? '';
      continueToken = page.metadata?.continue || undefined;
    } while (continueToken);

    const listed = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      listed.add(key);
      this.report(cluster, known.has(key) ? 'MODIFIED' : 'ADDED', item, known);
    }
    for (const [key, serviceId] of [...known]) {
      if (listed.has(key)) continue;
      known.delete(key);
      const [namespace, name] = key.split('/');
      this.deliver({
        cluster: cluster.name,
        type: 'DELETED',
        serviceId,
        namespace,
        name,
        observedAt: new Date(),
      });
    }
    return resourceVersion;
  }

  /** One watch request, from `resourceVersion` until it ends, whichever way. */
  private watchOnce(
    cluster: WatchedCluster,
    resourceVersion: string,
    known: Map<string, string>,
    signal: AbortSignal,
  ): Promise<WatchOutcome> {
    const startedAt = Date.now();
    let lastVersion = resourceVersion;
    let events = 0;
    return new Promise(resolve => {
      let request: AbortController | undefined;
      let settled = false;
      const cleanups: Array<() => void> = [];
      const finish = (kind: WatchOutcome['kind'], error?: unknown) => {
        if (settled) return;
        settled = true;
        cleanups.forEach(cleanup => cleanup());
        request?.abort();
        resolve({
          kind,
          error,
          resourceVersion: lastVersion,
          healthy: events > 0 || Date.now() - startedAt >= HEALTHY_WATCH_MS,
        });
      };
      const onStop = () => finish('closed');
      signal.addEventListener('abort', onStop);
      // client-node sets no timeout on a watch: a connection that died without a
      // FIN would otherwise leave this cluster unwatched for good.
      const deadWatch = setTimeout(
        () => finish('failed', new Error('watch outlived its timeout')),
        this.watchTimeoutSeconds * 1000 + DEAD_WATCH_GRACE_MS,
      );
      cleanups.push(
        () => signal.removeEventListener('abort', onStop),
        () => clearTimeout(deadWatch),
      );

      new Watch(cluster.kubeConfig)
        .watch(
          `/apis/${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}/${SERVICE_CLAIM_API.plural}`,
          {
            labelSelector: DBAAS_LABELS.serviceId,
            resourceVersion,
            allowWatchBookmarks: true,
            timeoutSeconds: this.watchTimeoutSeconds,
          },
          (type: string, object: any) => {
            if (settled) return;
            if (type === 'ERROR') {
              // A Status object: 410 when resourceVersion is too old to resume from.
              finish(
                object?.code === 410 ? 'gone' : 'failed',
                new Error(
                  `watch error ${object?.code}: ${
                    object?.message ?? object?.reason
                  }`,
                ),
              );
              return;
            }
            events += 1;
            lastVersion = object?.metadata?.resourceVersion ?? lastVersion;
            if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
              this.report(cluster, type, object, known);
            }
          },
          (error: unknown) => {
            if (statusCodeOf(error) === 410) finish('gone', error);
            else if (error && !isAbort(error)) finish('failed', error);
            else finish('closed');
          },
        )
        .then(
          controller => {
            request = controller;
            if (settled) controller.abort();
          },
          error => finish('failed', error),
        );
    });
  }

  private report(
    cluster: WatchedCluster,
    type: ClaimEvent['type'],
    object: ClaimObject,
    known: Map<string, string>,
  ): void {
    const key = keyOf(object);
    const serviceId = object.metadata?.labels?.[DBAAS_LABELS.serviceId];
    if (!serviceId) {
      // The selector only asks for the label; an empty value names no database.
      return;
    }
    if (type === 'DELETED') known.delete(key);
    else known.set(key, serviceId);
    this.deliver({
      cluster: cluster.name,
      type,
      serviceId,
      namespace: object.metadata?.namespace ?? '',
      name: object.metadata?.name ?? '',
      generation: object.metadata?.generation,
      ...portalGenerationOf(object),
      status: this.parseStatus(cluster, key, object.status),
      observedAt: new Date(),
    });
  }

  private parseStatus(
    cluster: WatchedCluster,
    key: string,
    status: unknown,
  ): ServiceClaimStatus | undefined {
    if (status === undefined || status === null) return undefined;
    const parsed = serviceClaimStatusSchema.safeParse(status);
    if (parsed.success) return parsed.data;
    // An operator newer or older than the portal; the claim itself still counts.
    this.logger.warn(
      `ServiceClaim ${key} on cluster ${
        cluster.name
      } has a status the portal does not understand (${formatZodError(
        parsed.error,
      )}); reporting it without status`,
    );
    return undefined;
  }

  private deliver(event: ClaimEvent): void {
    this.delivering = this.delivering.then(async () => {
      try {
        await this.options.onClaim(event);
      } catch (error) {
        this.logger.error(
          `Handling ${event.type} of ServiceClaim ${event.namespace}/${
            event.name
          } on cluster ${event.cluster} failed: ${describeError(error)}`,
        );
      }
    });
  }

  /** Exponential, with jitter so that many watchers do not retry in step. */
  private backoff(failures: number): number {
    const ceiling = Math.min(
      this.maxBackoffMs,
      this.initialBackoffMs * 2 ** Math.min(failures - 1, 30),
    );
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}

function keyOf(object: ClaimObject): string {
  return `${object.metadata?.namespace}/${object.metadata?.name}`;
}

/** Per-request options that let `signal` cancel the request. */
function abortable(signal: AbortSignal): ConfigurationOptions {
  const setSignal: ObservableMiddleware = {
    pre: context => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: context => new Observable(Promise.resolve(context)),
  };
  return { middleware: [setSignal], middlewareMergeStrategy: 'append' };
}

/** Waits `ms`, or less if `signal` aborts; the timer never outlives the wait. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await delay(ms, undefined, { signal }).catch(() => undefined);
}

function statusCodeOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown } | undefined;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string })?.name === 'AbortError';
}

function describeError(error: unknown): string {
  if (error instanceof ApiException) {
    // Its message carries the whole response, headers included; the apiserver's
    // Status message is what says why.
    let status: { message?: string } | undefined;
    try {
      status =
        typeof error.body === 'string'
          ? JSON.parse(error.body)
          : (error.body as typeof status);
    } catch {
      status = undefined;
    }
    return `HTTP ${error.code}${status?.message ? `: ${status.message}` : ''}`;
  }
  if (error instanceof Error) {
    const code = statusCodeOf(error);
    return code ? `${error.message} (HTTP ${code})` : error.message;
  }
  return String(error);
}

function portalGenerationOf(object: ClaimObject): {
  portalGeneration?: number;
} {
  const value = Number(object.metadata?.annotations?.['dbaas.io/generation']);
  return Number.isInteger(value) && value > 0
    ? { portalGeneration: value }
    : {};
}
