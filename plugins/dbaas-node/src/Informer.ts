import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { describeError, statusCodeOf } from './apiErrors';
import { backoffDelay, sleep } from './backoff';
import type { ObjectApi } from './ObjectApi';
import { watchEvents } from './watchEvents';

/** What happened to an object an {@link Informer} watches. */
export type InformerEvent<T> = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
  /** The object as the cache had it before a MODIFIED. */
  previous?: T;
  /**
   * On a DELETED that a relist noticed (the object vanished while no watch was
   * open): `object` is the last state the cache had, not the object's final
   * one.
   */
  finalStateUnknown?: boolean;
};

/** Fields attached to a log line. */
export type InformerLogFields = Record<
  string,
  string | number | boolean | undefined
>;

/**
 * Where an {@link Informer} logs; Backstage's `LoggerService` and the
 * operator's logger both are one.
 */
export interface InformerLogger {
  debug(message: string, fields?: InformerLogFields): void;
  info(message: string, fields?: InformerLogFields): void;
  warn(message: string, fields?: InformerLogFields): void;
  error(message: string, fields?: InformerLogFields): void;
  child(fields: InformerLogFields): InformerLogger;
}

/** Options of {@link Informer}. */
export type InformerOptions<T> = {
  /** The cluster; watches take its server and credentials. */
  kubeConfig: KubeConfig;
  /** The client of the same cluster that discovery and lists go through. */
  objects: ObjectApi;
  /** The kind to watch, e.g. `dbaas.io/v1alpha1` and `ServiceClaim`. */
  apiVersion: string;
  kind: string;
  /** Only the objects it selects, e.g. `dbaas.io/service-id` (those with that label). */
  labelSelector?: string;
  /**
   * Only the objects of this namespace, which a Role there lets the client
   * list and watch; every namespace when unset.
   */
  namespace?: string;
  /** Gets a child logger naming the kind. */
  logger: InformerLogger;
  /**
   * Called once per change, synchronously, after the cache has it. A throw is
   * logged; the event is not delivered again.
   */
  onEvent?: (event: InformerEvent<T>) => void;
  /**
   * Count a kind the client may not list (403) as synced and empty, like one
   * not served, so that a consumer of many kinds (the operator pruning what a
   * claim owns) is not held up by one the RBAC leaves out. Off by default.
   */
  forbiddenMeansEmpty?: boolean;
  /**
   * On a relist, report every listed object (unchanged ones as MODIFIED), not
   * only what differs from the cache: for a consumer whose handling of an event
   * can fail, and which catches up on the next list.
   */
  reportUnchangedOnRelist?: boolean;
  /** Restart delays after failures; defaults 500 ms doubling up to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * How long the apiserver keeps one watch open before ending it (it is then
   * resumed); default 300 s. A watch still open 30 s after that is taken for a
   * dead connection and restarted.
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

// A watch that ends sooner than this without an event did not really work.
const HEALTHY_WATCH_MS = 5_000;

/** The part of an object an informer reads (timestamps may be strings or Dates). */
export type WatchedObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
};

/** `namespace/name`, or `name` for a cluster-scoped object. */
export function objectKey(object: WatchedObject): string {
  const { namespace, name } = object.metadata ?? {};
  return namespace ? `${namespace}/${name}` : `${name}`;
}

/**
 * A cache of one kind of object across all namespaces (or one), kept by list + watch,
 * that calls back on every change: the informer of client-go, small.
 *
 * Supervised, and never throws out of its loop: a failed list or watch
 * ({@link watchEvents}) is retried with exponential backoff and jitter
 * ({@link backoffDelay}); a watch the apiserver ends is resumed from its last
 * resourceVersion (bookmarks keep that fresh); 410 Gone relists. A relist is
 * paged ({@link ObjectApi.listAll}) and reports only what differs from the
 * cache (by resourceVersion), unless `reportUnchangedOnRelist`, and DELETED for
 * what vanished, so a reconnect after an outage does not flood the consumer. A
 * kind the apiserver does not serve counts as synced and empty, and is looked
 * for again later.
 */
export class Informer<T extends WatchedObject = KubernetesObject> {
  private readonly cache = new Map<string, T>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly logger: InformerLogger;
  private abort?: AbortController;
  private running?: Promise<void>;
  private hasSynced = false;
  private syncWaiters: Array<() => void> = [];

  constructor(private readonly options: InformerOptions<T>) {
    this.initialBackoffMs = options.backoff?.initialMs ?? 500;
    this.maxBackoffMs = options.backoff?.maxMs ?? 30_000;
    this.watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    this.logger = options.logger.child({
      informer: `${options.kind}.${options.apiVersion}`,
    });
  }

  /** The kind this informer watches. */
  get kindOf(): { apiVersion: string; kind: string } {
    return { apiVersion: this.options.apiVersion, kind: this.options.kind };
  }

  /** Whether a list has completed, so the cache holds every object. */
  get synced(): boolean {
    return this.hasSynced;
  }

  /** The cached objects. */
  list(): T[] {
    return [...this.cache.values()];
  }

  /** The cached object with the key `namespace/name`. */
  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /** Starts listing and watching in the background until {@link Informer.stop}. */
  start(): void {
    if (this.abort) return;
    this.abort = new AbortController();
    this.running = this.supervise(this.abort.signal);
  }

  /** Ends the watch and any pending retry; the cache keeps what it has. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.abort = undefined;
    this.running = undefined;
  }

  /** Resolves true once synced, or false if `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.hasSynced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise(resolve => {
      const onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      });
    });
  }

  private markSynced(): void {
    if (this.hasSynced) return;
    this.hasSynced = true;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    waiters.forEach(waiter => waiter());
  }

  private async supervise(signal: AbortSignal): Promise<void> {
    let resourceVersion: string | undefined;
    let path: string | undefined;
    let failures = 0;
    let notServedSaid = false;
    while (!signal.aborted) {
      let delayMs = 0;
      try {
        path ??= await this.options.objects.collectionPath(
          this.options.apiVersion,
          this.options.kind,
          this.options.namespace,
        );
        if (!path) {
          // Nothing of a kind nobody serves can exist: synced, and empty.
          this.replace([]);
          this.markSynced();
          failures += 1;
          delayMs = this.backoff(failures);
          const message = `kind not served; counting it as empty and looking again in ${delayMs} ms`;
          // Said once (a CRD not installed, or missing from a cluster), then quietly.
          if (notServedSaid) this.logger.debug(message);
          else this.logger.info(message);
          notServedSaid = true;
          await sleep(delayMs, signal);
          continue;
        }
        notServedSaid = false;
        if (resourceVersion === undefined) {
          resourceVersion = await this.relist(signal);
          this.markSynced();
        }
        const outcome = await this.watchOnce(path, resourceVersion, signal);
        if (signal.aborted) break;
        resourceVersion = outcome.resourceVersion;
        if (outcome.healthy) failures = 0;
        if (outcome.kind === 'closed' && outcome.healthy) {
          // The apiserver ends every watch after watchTimeoutSeconds.
          this.logger.debug('watch closed; resuming', { resourceVersion });
        }
        if (outcome.kind === 'gone') {
          this.logger.info(
            'resourceVersion expired (410 Gone); listing again',
            {
              resourceVersion,
            },
          );
          resourceVersion = undefined;
          failures += 1;
          // The first 410 is routine after a long watch; repeated ones are not.
          delayMs = failures === 1 ? 0 : this.backoff(failures);
        } else if (outcome.kind === 'failed' || !outcome.healthy) {
          failures += 1;
          delayMs = this.backoff(failures);
          this.logger.warn('watch ended; retrying', {
            error: describeError(outcome.error ?? 'closed at once'),
            retryInMs: delayMs,
          });
        }
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        delayMs = this.backoff(failures);
        // A kind removed since discovery: look it up again.
        if (statusCodeOf(error) === 404) path = undefined;
        if (statusCodeOf(error) === 403 && this.options.forbiddenMeansEmpty) {
          this.replace([]);
          this.markSynced();
        }
        this.logger.warn('list failed; retrying', {
          error: describeError(error),
          retryInMs: delayMs,
        });
      }
      await sleep(delayMs, signal);
    }
  }

  /** Lists every object, reports the differences, returns the list's resourceVersion. */
  private async relist(signal: AbortSignal): Promise<string> {
    const { items, resourceVersion } =
      await this.options.objects.listAll<KubernetesObject>(
        this.options.apiVersion,
        this.options.kind,
        {
          labelSelector: this.options.labelSelector,
          namespace: this.options.namespace,
          signal,
        },
      );
    this.replace(items as unknown as T[]);
    return resourceVersion;
  }

  private replace(items: T[]): void {
    const listed = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      listed.add(key);
      const previous = this.cache.get(key);
      if (
        !this.options.reportUnchangedOnRelist &&
        previous?.metadata?.resourceVersion === item.metadata?.resourceVersion
      )
        continue;
      this.apply(previous ? 'MODIFIED' : 'ADDED', item);
    }
    for (const [key, object] of [...this.cache]) {
      if (!listed.has(key)) this.apply('DELETED', object, true);
    }
  }

  private apply(
    type: InformerEvent<T>['type'],
    object: T,
    finalStateUnknown = false,
  ): void {
    // List items come without apiVersion and kind; consumers compare them.
    object.apiVersion ??= this.options.apiVersion;
    object.kind ??= this.options.kind;
    const key = objectKey(object);
    const previous = this.cache.get(key);
    if (type === 'DELETED') this.cache.delete(key);
    else this.cache.set(key, object);
    try {
      this.options.onEvent?.({
        type,
        object,
        ...(type === 'MODIFIED' && previous ? { previous } : {}),
        ...(finalStateUnknown ? { finalStateUnknown } : {}),
      });
    } catch (error) {
      this.logger.error('event handler threw', {
        error: describeError(error),
        key,
      });
    }
  }

  /** One watch request, from `resourceVersion` until it ends, whichever way. */
  private async watchOnce(
    path: string,
    resourceVersion: string,
    signal: AbortSignal,
  ): Promise<WatchOutcome> {
    const startedAt = Date.now();
    let lastVersion = resourceVersion;
    let events = 0;
    let end: Pick<WatchOutcome, 'kind' | 'error'> = { kind: 'closed' };
    for await (const event of watchEvents<T>(this.options.kubeConfig, path, {
      labelSelector: this.options.labelSelector,
      resourceVersion,
      timeoutSeconds: this.watchTimeoutSeconds,
      signal,
    })) {
      if (event.type === 'ERROR') {
        end = { kind: event.gone ? 'gone' : 'failed', error: event.error };
        break;
      }
      events += 1;
      lastVersion = event.object?.metadata?.resourceVersion ?? lastVersion;
      if (event.type !== 'BOOKMARK') this.apply(event.type, event.object);
    }
    return {
      ...end,
      resourceVersion: lastVersion,
      healthy: events > 0 || Date.now() - startedAt >= HEALTHY_WATCH_MS,
    };
  }

  private backoff(failures: number): number {
    return backoffDelay(failures, {
      initialMs: this.initialBackoffMs,
      maxMs: this.maxBackoffMs,
    });
  }
}
