import {
  Watch,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import type { Logger } from '../logger';
import { sleep } from './abortable';
import { describeError, isAbort, statusCodeOf } from './apiErrors';
import type { ObjectApi } from './ObjectApi';

/** What happened to an object an {@link Informer} watches. */
export type InformerEvent<T> = {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
  /** The object as the cache had it before a MODIFIED. */
  previous?: T;
};

/** Options of {@link Informer}. */
export type InformerOptions<T> = {
  kubeConfig: KubeConfig;
  objects: ObjectApi;
  apiVersion: string;
  kind: string;
  labelSelector?: string;
  logger: Logger;
  /** Called once per change, synchronously, after the cache has it. */
  onEvent?: (event: InformerEvent<T>) => void;
  /**
   * Count a kind the operator may not list (403) as synced and empty, like one
   * not served, so that pruning across kinds is not held up by one the RBAC
   * leaves out. Off for the claims themselves.
   */
  forbiddenMeansEmpty?: boolean;
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
  healthy: boolean;
};

const LIST_PAGE_SIZE = 500;
const DEAD_WATCH_GRACE_MS = 30_000;
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
 * A cache of one kind of object across all namespaces, kept by list + watch,
 * that calls back on every change: the informer of client-go, small.
 *
 * Supervised: a failed list or watch is retried with exponential backoff and
 * jitter; a watch the apiserver ends is resumed from its last resourceVersion
 * (bookmarks keep that fresh); 410 Gone relists. A relist reports only what
 * differs from the cache (by resourceVersion) and DELETED for what vanished, so
 * a reconnect after an outage does not flood the consumer. A kind the apiserver
 * does not serve counts as synced and empty, and is looked for again later.
 */
export class Informer<T extends WatchedObject = KubernetesObject> {
  private readonly cache = new Map<string, T>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly watchTimeoutSeconds: number;
  private readonly logger: Logger;
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
    while (!signal.aborted) {
      let delayMs = 0;
      try {
        path ??= await this.options.objects.collectionPath(
          this.options.apiVersion,
          this.options.kind,
        );
        if (!path) {
          // Nothing of a kind nobody serves can exist: synced, and empty.
          this.replace([]);
          this.markSynced();
          failures += 1;
          delayMs = this.backoff(failures);
          this.logger.debug(`kind not served; looking again in ${delayMs} ms`);
          await sleep(delayMs, signal);
          continue;
        }
        if (resourceVersion === undefined) {
          resourceVersion = await this.relist(signal);
          this.markSynced();
        }
        const outcome = await this.watchOnce(path, resourceVersion, signal);
        if (signal.aborted) break;
        resourceVersion = outcome.resourceVersion;
        if (outcome.healthy) failures = 0;
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
    const items: T[] = [];
    let resourceVersion = '';
    let continueToken: string | undefined;
    do {
      const page = await this.options.objects.listPage<KubernetesObject>(
        this.options.apiVersion,
        this.options.kind,
        {
          labelSelector: this.options.labelSelector,
          limit: LIST_PAGE_SIZE,
          continueToken,
          signal,
        },
      );
      items.push(...(page.items as unknown as T[]));
      resourceVersion = page.metadata.resourceVersion ?? '';
      continueToken = page.metadata.continue || undefined;
    } while (continueToken);
    this.replace(items);
    return resourceVersion;
  }

  private replace(items: T[]): void {
    const listed = new Set<string>();
    for (const item of items) {
      const key = objectKey(item);
      listed.add(key);
      const previous = this.cache.get(key);
      if (
        previous?.metadata?.resourceVersion === item.metadata?.resourceVersion
      )
        continue;
      this.apply(previous ? 'MODIFIED' : 'ADDED', item);
    }
    for (const [key, object] of [...this.cache]) {
      if (!listed.has(key)) this.apply('DELETED', object);
    }
  }

  private apply(type: InformerEvent<T>['type'], object: T): void {
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
      });
    } catch (error) {
      this.logger.error('event handler threw', {
        error: describeError(error),
        key,
      });
    }
  }

  /** One watch request, from `resourceVersion` until it ends, whichever way. */
  private watchOnce(
    path: string,
    resourceVersion: string,
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
      // client-node sets no timeout on a watch: a connection that died without
      // a FIN would otherwise leave the cache stale for good.
      const deadWatch = setTimeout(
        () => finish('failed', new Error('watch outlived its timeout')),
        this.watchTimeoutSeconds * 1000 + DEAD_WATCH_GRACE_MS,
      );
      cleanups.push(
        () => signal.removeEventListener('abort', onStop),
        () => clearTimeout(deadWatch),
      );

      new Watch(this.options.kubeConfig)
        .watch(
          path,
          {
            labelSelector: this.options.labelSelector,
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
              this.apply(type, object as T);
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

  /** Exponential, with jitter so that many replicas do not retry in step. */
  private backoff(failures: number): number {
    const ceiling = Math.min(
      this.maxBackoffMs,
      this.initialBackoffMs * 2 ** Math.min(failures - 1, 30),
    );
    return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
  }
}
