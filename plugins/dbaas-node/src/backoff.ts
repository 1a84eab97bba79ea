import { setTimeout as delay } from 'node:timers/promises';

/** Options of {@link backoffDelay}. */
export type BackoffOptions = {
  /** The ceiling after the first failure; it doubles with each further one. */
  initialMs: number;
  /** The highest ceiling. */
  maxMs: number;
  /**
   * Whether to draw the delay from the upper half of the ceiling (default), so
   * that many callers failing on one cause do not retry in step; without, the
   * delay is the ceiling itself.
   */
  jitter?: boolean;
  /** Source of the jitter, in [0, 1); tests pin it. Default `Math.random`. */
  random?: () => number;
};

/**
 * How long to wait after the `failures`-th consecutive failure: exponential
 * backoff with a cap and (by default) jitter. The ceiling is `initialMs × 2^(failures − 1)`,
 * at most `maxMs`; with jitter the delay is drawn between half the ceiling and
 * the ceiling, so it never falls far below what the failures call for.
 */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
): number {
  const ceiling = Math.min(
    options.maxMs,
    options.initialMs * 2 ** Math.min(Math.max(failures - 1, 0), 40),
  );
  if (options.jitter === false) return ceiling;
  const random = options.random ?? Math.random;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Waits `ms`, or less if `signal` aborts first; never rejects, and the timer
 * does not outlive the wait, so a stopped loop leaves nothing behind.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  await delay(ms, undefined, { signal }).catch(() => undefined);
}
