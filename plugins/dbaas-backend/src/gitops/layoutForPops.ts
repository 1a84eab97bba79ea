import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { Pop } from '@internal/backstage-plugin-dbaas-common';

/**
 * Runs the layout update for the PoPs of the moment: before the first change
 * after each start, and again whenever the PoP list has changed since the last
 * update that succeeded (a new PoP gets its overlay). Concurrent calls for the
 * same list wait for the same run. A failure is logged and the change goes
 * ahead, as claims do not depend on the layout being new; the next call tries
 * again.
 */
export function layoutForPops(
  update: (pops: Pop[]) => Promise<void>,
  listPops: () => Promise<Pop[]>,
  logger: LoggerService,
): () => Promise<void> {
  let done: string | undefined;
  let run: { key: string; promise: Promise<void> } | undefined;
  return async () => {
    let pops: Pop[];
    try {
      pops = await listPops();
    } catch (error) {
      logger.error(
        'Could not read the PoPs to bring the GitOps layout up to date; the next change tries again',
        toError(error),
      );
      return;
    }
    const key = JSON.stringify(pops);
    if (key === done) return;
    if (run?.key !== key) {
      const promise = update(pops).then(
        () => {
          done = key;
        },
        error =>
          logger.error(
            'Could not bring the GitOps layout up to date; the change is made all the same, and the next one tries again',
            toError(error),
          ),
      );
      run = { key, promise };
      void promise.finally(() => {
        if (run?.promise === promise) run = undefined;
      });
    }
    await run.promise;
  };
}
