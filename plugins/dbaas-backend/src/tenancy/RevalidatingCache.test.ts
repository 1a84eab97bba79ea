import { RevalidatingCache } from './RevalidatingCache';

/** Lets the cache's batches (each in a turn of the event loop of its own) run. */
async function nextTurn() {
  for (let turn = 0; turn < 3; turn++) {
    await new Promise(resolve => setImmediate(resolve));
  }
}

/** A cache on a source whose answers the test gives or fails, one load at a time. */
function setup(options?: { maxEntries?: number; maxBatch?: number }) {
  let now = 0;
  const loads: {
    keys: string[];
    answer: (values: string[]) => void;
    fail: (error: Error) => void;
  }[] = [];
  const onStaleError = jest.fn();
  const cache = new RevalidatingCache<string>({
    load: keys =>
      new Promise((resolve, reject) =>
        loads.push({ keys, answer: resolve, fail: reject }),
      ),
    maxAgeMs: 1000,
    retryMs: 100,
    now: () => now,
    onStaleError,
    ...options,
  });
  /** Answers the oldest load that has not been answered: each key with `key@version`. */
  const answer = async (version: number) => {
    await nextTurn();
    const load = loads.shift()!;
    load.answer(load.keys.map(key => `${key}@${version}`));
    await nextTurn();
  };
  return {
    cache,
    loads,
    answer,
    onStaleError,
    setNow: (value: number) => {
      now = value;
    },
  };
}

describe('RevalidatingCache', () => {
  it('loads the keys asked for together in one batch, and a key once for all its readers', async () => {
    const { cache, loads, answer } = setup();
    const reads = Promise.all([cache.get('a'), cache.get('b'), cache.get('a')]);
    await answer(1);
    expect(await reads).toEqual(['a@1', 'b@1', 'a@1']);
    expect(loads).toEqual([]);
  });

  it('answers stale values at once while one reload runs, then the new values', async () => {
    const { cache, loads, answer, setNow } = setup();
    const first = cache.get('a');
    await answer(1);
    expect(await first).toBe('a@1');

    setNow(1000);
    expect(await cache.get('a')).toBe('a@1');
    await nextTurn();
    expect(loads).toEqual([]);

    setNow(1001);
    expect(await cache.get('a')).toBe('a@1');
    expect(await cache.get('a')).toBe('a@1');
    await nextTurn();
    expect(loads.map(l => l.keys)).toEqual([['a']]);
    await answer(2);
    expect(await cache.get('a')).toBe('a@2');
  });

  it('keeps the last good value when a reload fails, and tries again later', async () => {
    const { cache, loads, answer, onStaleError, setNow } = setup();
    const first = cache.get('a');
    await answer(1);
    await first;

    setNow(2000);
    expect(await cache.get('a')).toBe('a@1');
    await nextTurn();
    loads.shift()!.fail(new Error('source down'));
    await nextTurn();
    expect(onStaleError).toHaveBeenCalledWith(new Error('source down'));

    // Not again before retryMs.
    setNow(2100);
    expect(await cache.get('a')).toBe('a@1');
    await nextTurn();
    expect(loads).toEqual([]);

    setNow(2101);
    expect(await cache.get('a')).toBe('a@1');
    await answer(2);
    expect(await cache.get('a')).toBe('a@2');
  });

  it('does not keep a failed first load: its readers fail and the next read loads again', async () => {
    const { cache, loads, answer, onStaleError } = setup();
    const first = cache.get('a');
    await nextTurn();
    loads.shift()!.fail(new Error('source down'));
    await expect(first).rejects.toThrow('source down');
    expect(onStaleError).not.toHaveBeenCalled();

    const second = cache.get('a');
    await answer(1);
    expect(await second).toBe('a@1');
  });

  it('loads at most maxBatch keys at a time, and keeps at most maxEntries', async () => {
    const { cache, loads, answer } = setup({ maxBatch: 2, maxEntries: 2 });
    const reads = Promise.all(['a', 'b', 'c'].map(key => cache.get(key)));
    await nextTurn();
    expect(loads.map(l => l.keys)).toEqual([['a', 'b']]);
    await answer(1);
    expect(loads.map(l => l.keys)).toEqual([['c']]);
    await answer(1);
    expect(await reads).toEqual(['a@1', 'b@1', 'c@1']);

    // a, loaded first, made room for c.
    const again = cache.get('a');
    await nextTurn();
    expect(loads.map(l => l.keys)).toEqual([['a']]);
    await answer(2);
    expect(await again).toBe('a@2');
  });
});
