import { backoffDelay, sleep } from './backoff';

describe('backoffDelay', () => {
  it('doubles a capped ceiling and draws from its upper half', () => {
    const options = { initialMs: 100, maxMs: 1_000 };
    const ceilings = [100, 200, 400, 800, 1_000, 1_000];
    ceilings.forEach((ceiling, index) => {
      expect(backoffDelay(index + 1, { ...options, random: () => 0 })).toBe(
        ceiling / 2,
      );
      expect(
        backoffDelay(index + 1, { ...options, random: () => 0.999999 }),
      ).toBe(ceiling);
      expect(backoffDelay(index + 1, { ...options, jitter: false })).toBe(
        ceiling,
      );
    });
    const draws = Array.from({ length: 1_000 }, () => backoffDelay(3, options));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...draws)).toBeLessThanOrEqual(400);
    expect(new Set(draws).size).toBeGreaterThan(50);
  });

  it('stays at the cap however many failures came', () => {
    expect(
      backoffDelay(10_000, { initialMs: 500, maxMs: 30_000, jitter: false }),
    ).toBe(30_000);
  });
});

describe('sleep', () => {
  it('ends early when its signal aborts, without rejecting', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const slept = sleep(60_000, abort.signal);
    abort.abort();
    await expect(slept).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
