import { backoffDelay } from '@internal/backstage-plugin-dbaas-node';

/**
 * What a handler may ask for besides success: to be run again after a while
 * although nothing failed (e.g. while waiting for a backup to finish).
 */
export type WorkResult = void | { requeueAfterMs: number };

/** Options of {@link WorkQueue}. */
export type WorkQueueOptions = {
  /** How many keys are handled at once; one key is never handled twice at once. */
  concurrency: number;
  /**
   * Handles one key. A throw requeues the key with backoff; a return resets its
   * backoff. `signal` aborts when shutdown's deadline passes.
   */
  handle: (key: string, signal: AbortSignal) => Promise<WorkResult>;
  /** Per-key retry delays after failures: base doubling up to max. Defaults 1 s and 5 min. */
  backoff?: { baseMs?: number; maxMs?: number };
  /** Called with the number of keys waiting to be handled whenever it changes. */
  onDepth?: (depth: number) => void;
  /** Called when a handler threw, with the delay before the key is retried. */
  onError?: (key: string, error: unknown, retryInMs: number) => void;
  /** Source of jitter; tests pin it. */
  random?: () => number;
};

/**
 * A work queue of keys (`namespace/name`) in the manner of client-go's
 * rate-limited queue, which level-triggered controllers are built on:
 *
 * - a key waiting is queued once however often it is added;
 * - a key added while it is being handled is handled again afterwards, never
 *   concurrently, so the handler always sees the latest state;
 * - a failed key comes back after a per-key exponential backoff with jitter
 *   (so that many claims failing on the same cause do not retry in step), and
 *   a success forgets its failures.
 */
export class WorkQueue {
  private readonly ready: string[] = [];
  private readonly waiting = new Set<string>();
  private readonly processing = new Set<string>();
  // Added while being handled: handled again once the current run ends.
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<
    string,
    { at: number; timer: NodeJS.Timeout }
  >();
  private readonly failures = new Map<string, number>();
  private readonly abort = new AbortController();
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly random: () => number;
  private started = false;
  private stopping = false;
  private lastDepth = -1;
  private idle: Array<{
    resolve: (idle: boolean) => void;
    timer: NodeJS.Timeout;
  }> = [];

  constructor(private readonly options: WorkQueueOptions) {
    if (!(options.concurrency >= 1)) {
      throw new Error('WorkQueue concurrency must be at least 1');
    }
    this.baseMs = options.backoff?.baseMs ?? 1_000;
    this.maxMs = options.backoff?.maxMs ?? 300_000;
    this.random = options.random ?? Math.random;
  }

  /** Keys waiting to be handled now (not those in backoff or being handled). */
  get depth(): number {
    return this.ready.length;
  }

  /** Keys being handled right now. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Keys waiting for a backoff or a requested delay to pass. */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Starts handling keys (those added before start are kept). */
  start(): void {
    if (this.stopping) return;
    this.started = true;
    this.pump();
  }

  /** Queues `key` to be handled as soon as a worker is free. */
  add(key: string): void {
    if (this.stopping) return;
    // Now beats later: a pending delay would only postpone fresher work.
    this.cancelDelay(key);
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.ready.push(key);
    this.reportDepth();
    this.pump();
  }

  /** Queues `key` after `ms`, unless it is queued sooner. */
  addAfter(key: string, ms: number): void {
    if (this.stopping) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    const at = Date.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    this.cancelDelay(key);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Queues `key` after its next backoff delay; returns the delay. */
  addRateLimited(key: string): number {
    const failures = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, failures);
    const delay = this.backoffDelay(failures);
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets the failures of `key`, so its next failure starts the backoff anew. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /**
   * The delay after the n-th consecutive failure: the ceiling doubles from
   * `baseMs` up to `maxMs`, and the delay is drawn from the upper half of it.
   */
  backoffDelay(failures: number): number {
    return backoffDelay(failures, {
      initialMs: this.baseMs,
      maxMs: this.maxMs,
      random: this.random,
    });
  }

  /**
   * Stops taking and starting work, drops what waits (the next leader lists
   * every claim anyway), and waits for the keys being handled. When
   * `deadlineMs` passes first, their signal aborts and they get `graceMs` more.
   * Resolves whether everything in flight finished before the deadline.
   */
  async shutdown(
    options: { deadlineMs?: number; graceMs?: number } = {},
  ): Promise<boolean> {
    this.stopping = true;
    for (const key of [...this.delayed.keys()]) this.cancelDelay(key);
    this.ready.length = 0;
    this.waiting.clear();
    this.dirty.clear();
    this.reportDepth();
    const drained = await this.whenIdle(options.deadlineMs ?? 30_000);
    if (!drained) {
      this.abort.abort();
      await this.whenIdle(options.graceMs ?? 1_000);
    }
    return drained;
  }

  private whenIdle(ms: number): Promise<boolean> {
    if (this.processing.size === 0) return Promise.resolve(true);
    return new Promise(resolve => {
      const waiter = {
        resolve,
        timer: setTimeout(() => {
          this.idle = this.idle.filter(other => other !== waiter);
          resolve(false);
        }, ms),
      };
      this.idle.push(waiter);
    });
  }

  private pump(): void {
    while (
      this.started &&
      !this.stopping &&
      this.processing.size < this.options.concurrency &&
      this.ready.length > 0
    ) {
      const key = this.ready.shift()!;
      this.waiting.delete(key);
      this.processing.add(key);
      void this.process(key);
    }
    this.reportDepth();
  }

  private async process(key: string): Promise<void> {
    try {
      const result = await this.options.handle(key, this.abort.signal);
      this.forget(key);
      if (result && result.requeueAfterMs >= 0) {
        this.addAfter(key, result.requeueAfterMs);
      }
    } catch (error) {
      if (!this.stopping) {
        const delay = this.addRateLimited(key);
        this.options.onError?.(key, error, delay);
      }
    } finally {
      this.processing.delete(key);
      if (this.dirty.delete(key)) this.add(key);
      this.pump();
      if (this.processing.size === 0) {
        const waiters = this.idle;
        this.idle = [];
        for (const waiter of waiters) {
          clearTimeout(waiter.timer);
          waiter.resolve(true);
        }
      }
    }
  }

  private cancelDelay(key: string): void {
    const entry = this.delayed.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.delayed.delete(key);
  }

  private reportDepth(): void {
    if (this.ready.length === this.lastDepth) return;
    this.lastDepth = this.ready.length;
    this.options.onDepth?.(this.lastDepth);
  }
}
