import type { JsonValue } from '@backstage/types';

/**
 * A `ctx.checkpoint` whose checkpoints outlive one attempt of a step, as a
 * task's state does: give the same store to two runs to play a retried task.
 */
export function checkpointStore() {
  const saved = new Map<string, JsonValue | void>();
  return async ({ key, fn }: { key: string; fn: () => any }) => {
    if (!saved.has(key)) saved.set(key, await fn());
    return saved.get(key);
  };
}
