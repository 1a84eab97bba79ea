import { setTimeout as delay } from 'node:timers/promises';
import { WorkQueue, type WorkQueueOptions } from './WorkQueue';

async function until(what: string, check: () => boolean, ms = 5_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(2);
  }
}

/** A handler whose runs a test releases by hand. */
class Gate {
  readonly runs: string[] = [];
  readonly open = new Set<string>();
  private readonly releases = new Map<string, Array<() => void>>();
  active = 0;
  maxActive = 0;
  handle: WorkQueueOptions['handle'] = async key => {
    this.runs.push(key);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    this.open.add(key);
    await new Promise<void>(resolve =>
      this.releases.set(key, [...(this.releases.get(key) ?? []), resolve]),
    );
    this.open.delete(key);
    this.active -= 1;
  };
  release(key: string) {
    const [first, ...rest] = this.releases.get(key) ?? [];
    if (!first) throw new Error(`${key} is not running`);
    this.releases.set(key, rest);
    first();
  }
}

describe('WorkQueue', () => {
  it('queues a key once however often it is added before it runs', async () => {
    const handled: string[] = [];
    const depths: number[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      handle: async key => {
        handled.push(key);
      },
      onDepth: depth => depths.push(depth),
    });
    for (const key of ['a', 'b', 'a', 'a', 'b', 'c']) queue.add(key);
    expect(queue.depth).toBe(3);
    queue.start();
    await until('all handled', () => handled.length === 3 && !queue.inFlight);
    expect(handled).toEqual(['a', 'b', 'c']);
    // The depth gauge saw the three waiting keys and the queue emptying.
    expect(Math.max(...depths)).toBe(3);
    expect(depths[depths.length - 1]).toBe(0);
    await queue.shutdown();
  });

  it('never runs one key twice at once, and reruns a key added while it runs', async () => {
    const gate = new Gate();
    const queue = new WorkQueue({ concurrency: 4, handle: gate.handle });
    queue.start();
    queue.add('a');
    await until('a running', () => gate.open.has('a'));
    queue.add('a');
    queue.add('a');
    await delay(20);
    expect(gate.runs).toEqual(['a']);
    gate.release('a');
    await until('a again', () => gate.runs.length === 2);
    expect(gate.maxActive).toBe(1);
    gate.release('a');
    await until('idle', () => queue.inFlight === 0);
    expect(gate.runs).toEqual(['a', 'a']);
    await queue.shutdown();
  });

  it('runs up to `concurrency` different keys at once and no more', async () => {
    const gate = new Gate();
    const queue = new WorkQueue({ concurrency: 3, handle: gate.handle });
    queue.start();
    for (const key of ['a', 'b', 'c', 'd', 'e']) queue.add(key);
    await until('three running', () => gate.active === 3);
    await delay(20);
    expect(gate.active).toBe(3);
    expect(queue.depth).toBe(2);
    gate.release('a');
    await until('d starts', () => gate.open.has('d'));
    expect(gate.active).toBe(3);
    for (const key of ['b', 'c', 'd']) gate.release(key);
    await until('e starts', () => gate.open.has('e'));
    gate.release('e');
    await until('idle', () => queue.inFlight === 0);
    expect(gate.maxActive).toBe(3);
    expect(gate.runs.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    await queue.shutdown();
  });

  it('backs off exponentially with jitter in the upper half of a capped ceiling', () => {
    const at = (random: number) =>
      new WorkQueue({
        concurrency: 1,
        handle: async () => undefined,
        backoff: { baseMs: 100, maxMs: 1_000 },
        random: () => random,
      });
    const low = at(0);
    const high = at(0.999999);
    const ceilings = [100, 200, 400, 800, 1_000, 1_000];
    ceilings.forEach((ceiling, index) => {
      expect(low.backoffDelay(index + 1)).toBe(ceiling / 2);
      expect(high.backoffDelay(index + 1)).toBe(ceiling);
    });
    // With a real random source, every delay stays within its bounds.
    const real = new WorkQueue({
      concurrency: 1,
      handle: async () => undefined,
      backoff: { baseMs: 100, maxMs: 1_000 },
    });
    const draws = Array.from({ length: 1_000 }, () => real.backoffDelay(3));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(200);
    expect(Math.max(...draws)).toBeLessThanOrEqual(400);
    // Jitter: the draws spread, so many failing keys do not retry in step.
    expect(new Set(draws).size).toBeGreaterThan(50);
  });

  it('retries a failing key after its backoff, and a success resets the backoff', async () => {
    const attempts: number[] = [];
    const retries: number[] = [];
    let fail = 3;
    const queue = new WorkQueue({
      concurrency: 1,
      backoff: { baseMs: 20, maxMs: 1_000 },
      random: () => 0.999999,
      handle: async () => {
        attempts.push(Date.now());
        if (fail > 0) {
          fail -= 1;
          throw new Error('apiserver said no');
        }
      },
      onError: (_key, _error, retryInMs) => retries.push(retryInMs),
    });
    queue.start();
    queue.add('a');
    await until('four attempts', () => attempts.length === 4);
    expect(retries).toEqual([20, 40, 80]);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]);
    gaps.forEach((gap, i) =>
      expect(gap).toBeGreaterThanOrEqual(retries[i] - 2),
    );
    // Forgotten after the success: the next failure starts at the base again.
    fail = 1;
    queue.add('a');
    await until('six attempts', () => attempts.length === 6);
    expect(retries).toEqual([20, 40, 80, 20]);
    await queue.shutdown();
  });

  it('honours requeueAfterMs, and an add in the meantime runs at once', async () => {
    const runs: number[] = [];
    const queue = new WorkQueue({
      concurrency: 1,
      handle: async () => {
        runs.push(Date.now());
        return runs.length === 1 ? { requeueAfterMs: 60_000 } : undefined;
      },
    });
    queue.start();
    queue.add('a');
    await until('first run', () => runs.length === 1 && !queue.inFlight);
    expect(queue.delayedCount).toBe(1);
    queue.add('a');
    await until('second run', () => runs.length === 2);
    expect(queue.delayedCount).toBe(0);
    await queue.shutdown();
  });

  it('on shutdown starts nothing new, waits for work in flight, and aborts it after the deadline', async () => {
    const gate = new Gate();
    const queue = new WorkQueue({ concurrency: 1, handle: gate.handle });
    queue.start();
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 10);
    await until('a running', () => gate.open.has('a'));
    const stopped = queue.shutdown({ deadlineMs: 5_000 });
    queue.add('d');
    gate.release('a');
    expect(await stopped).toBe(true);
    await delay(30);
    expect(gate.runs).toEqual(['a']);

    // A handler that outlives the deadline sees its signal abort.
    let aborted = false;
    const stuck = new WorkQueue({
      concurrency: 1,
      handle: (_key, signal) =>
        new Promise<void>(resolve =>
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          }),
        ),
    });
    stuck.start();
    stuck.add('x');
    await until('x running', () => stuck.inFlight === 1);
    const started = Date.now();
    expect(await stuck.shutdown({ deadlineMs: 50 })).toBe(false);
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(stuck.inFlight).toBe(0);
  });
});
