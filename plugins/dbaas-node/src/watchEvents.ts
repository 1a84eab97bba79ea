import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { isAbort, statusCodeOf } from './apiErrors';

/**
 * One event of a watch: a change to an object, a bookmark (only the
 * resourceVersion moved on), or the error that ended the watch.
 */
export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: T }
  | {
      type: 'ERROR';
      error: unknown;
      /** 410 Gone: the resourceVersion is too old to resume from; list again. */
      gone: boolean;
    };

/** Options of {@link watchEvents}. */
export type WatchEventsOptions = {
  /** Where to start: the resourceVersion of a list, or of the last event seen. */
  resourceVersion?: string;
  labelSelector?: string;
  /**
   * How long the apiserver keeps the watch open before ending it; default 300 s.
   * A watch still open 30 s after that is taken for a dead connection and
   * ended with an error.
   */
  timeoutSeconds?: number;
  /** Ends the watch (without an error). */
  signal?: AbortSignal;
};

const DEAD_WATCH_GRACE_MS = 30_000;

/**
 * One watch request on the collection at `path` (e.g.
 * `/apis/dbaas.io/v1alpha1/serviceclaims`), as an async generator of its
 * events. It never throws: a failure is yielded as one `ERROR` event, the
 * last; it returns when the apiserver ends the watch or `signal` aborts.
 * Bookmarks are asked for, so a resumed watch starts from a recent version.
 * Supervising it (resuming, relisting, backing off) is the caller's part; see
 * {@link Informer}.
 */
export async function* watchEvents<T = unknown>(
  kubeConfig: KubeConfig,
  path: string,
  options: WatchEventsOptions = {},
): AsyncGenerator<WatchEvent<T>, void, undefined> {
  const { signal } = options;
  const timeoutSeconds = options.timeoutSeconds ?? 300;
  if (signal?.aborted) return;
  // client-node's watch calls back; its events wait here for the consumer.
  const queue: WatchEvent<T>[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  const push = (event: WatchEvent<T>) => {
    if (ended) return;
    queue.push(event);
    if (event.type === 'ERROR') ended = true;
    wake?.();
  };
  const end = () => {
    ended = true;
    wake?.();
  };
  const woken = () =>
    new Promise<void>(resolve => {
      wake = resolve;
    });
  const fail = (error: unknown) =>
    push({ type: 'ERROR', error, gone: statusCodeOf(error) === 410 });

  signal?.addEventListener('abort', end);
  // client-node sets no timeout on a watch: a connection that died without a
  // FIN would otherwise leave the watcher stale for good.
  const deadWatch = setTimeout(
    () => fail(new Error('watch outlived its timeout')),
    timeoutSeconds * 1000 + DEAD_WATCH_GRACE_MS,
  );
  const request = new Watch(kubeConfig).watch(
    path,
    {
      labelSelector: options.labelSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds,
    },
    (type: string, object: any) => {
      if (type === 'ERROR') {
        // A Status object: 410 when resourceVersion is too old to resume from.
        push({
          type: 'ERROR',
          error: new Error(
            `watch error ${object?.code}: ${object?.message ?? object?.reason}`,
          ),
          gone: object?.code === 410,
        });
        return;
      }
      if (
        type === 'ADDED' ||
        type === 'MODIFIED' ||
        type === 'DELETED' ||
        type === 'BOOKMARK'
      ) {
        push({ type, object: object as T });
      }
    },
    (error: unknown) => {
      // An HTTP 410 on the request itself is the other way to say Gone.
      if (error && !isAbort(error)) fail(error);
      else end();
    },
  );
  request.catch(fail);

  try {
    for (;;) {
      const event = queue.shift();
      if (event) {
        yield event;
        continue;
      }
      if (ended) return;
      await woken();
      wake = undefined;
    }
  } finally {
    ended = true;
    clearTimeout(deadWatch);
    signal?.removeEventListener('abort', end);
    request.then(
      controller => controller.abort(),
      () => undefined,
    );
  }
}
