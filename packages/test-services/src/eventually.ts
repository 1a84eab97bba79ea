import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `probe` until it returns something truthy and resolves to that, or
 * rejects saying what never happened. A throw from `probe` ends the wait at
 * once. The one polling helper of the tests that wait on real services.
 */
export async function eventually<T>(
  what: string,
  probe: () =>
    | Promise<T | undefined | null | false>
    | T
    | undefined
    | null
    | false,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 100 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    }
    await delay(intervalMs);
  }
}
