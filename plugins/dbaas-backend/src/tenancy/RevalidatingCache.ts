type Entry<V> = { value: V; freshUntil: number };
type Waiter<V> = {
  promise: Promise<V>;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
};

function waiter<V>(): Waiter<V> {
  let resolve!: (value: V) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<V>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Values by key, loaded in batches and kept for `maxAgeMs`; after that a read
 * still answers at once with the last good value while one reload runs behind
 * it (stale-while-revalidate), so only the first read of a key ever waits for
 * the source. A failed reload keeps the last good value and is tried again
 * `retryMs` later; a failed first load is not kept, so the next read tries again.
 *
 * Keys asked for in one turn of the event loop are loaded together, at most
 * `maxBatch` at a time.
 */
export class RevalidatingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Keys being loaded or waiting for the next batch, with their readers. */
  private readonly pending = new Map<string, Waiter<V>>();
  private queue: string[] = [];
  private flushing = false;

  constructor(
    private readonly options: {
      /** The values of the keys, in their order. */
      load: (keys: string[]) => Promise<V[]>;
      maxAgeMs: number;
      now: () => number;
      /** Entries kept at most; the oldest loaded go first. */
      maxEntries?: number;
      maxBatch?: number;
      /** How long a failed reload leaves the last good value before trying again. */
      retryMs?: number;
      /** Told of a failed reload, whose readers got the last good value. */
      onStaleError?: (error: unknown) => void;
    },
  ) {}

  get(key: string): Promise<V> {
    const entry = this.entries.get(key);
    if (!entry) {
      return this.reload(key);
    }
    if (this.options.now() > entry.freshUntil) {
      // Handled in flush: the readers of a stale entry have their answer.
      this.reload(key).catch(() => {});
    }
    return Promise.resolve(entry.value);
  }

  private reload(key: string): Promise<V> {
    let pending = this.pending.get(key);
    if (!pending) {
      pending = waiter<V>();
      this.pending.set(key, pending);
      this.queue.push(key);
      this.scheduleFlush();
    }
    return pending.promise;
  }

  private scheduleFlush() {
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flush());
    }
  }

  private async flush() {
    const keys = this.queue.splice(0, this.options.maxBatch ?? 500);
    try {
      const values = await this.options.load(keys);
      const freshUntil = this.options.now() + this.options.maxAgeMs;
      keys.forEach((key, i) => {
        this.store(key, { value: values[i], freshUntil });
        this.settle(key)?.resolve(values[i]);
      });
    } catch (error) {
      const retryAt =
        this.options.now() +
        Math.min(this.options.retryMs ?? 1000, this.options.maxAgeMs);
      let stale = false;
      for (const key of keys) {
        const entry = this.entries.get(key);
        if (entry) {
          stale = true;
          entry.freshUntil = retryAt;
        }
        this.settle(key)?.reject(error);
      }
      if (stale) {
        this.options.onStaleError?.(error);
      }
    } finally {
      this.flushing = false;
      if (this.queue.length > 0) {
        this.scheduleFlush();
      }
    }
  }

  private settle(key: string) {
    const pending = this.pending.get(key);
    this.pending.delete(key);
    return pending;
  }

  private store(key: string, entry: Entry<V>) {
    // Re-inserted, so that the map's order is the order of loading.
    this.entries.delete(key);
    this.entries.set(key, entry);
    const max = this.options.maxEntries ?? 100_000;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= max) {
        break;
      }
      this.entries.delete(oldest);
    }
  }
}
