import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';

/**
 * Runs the layout update before the first change after each start, until it
 * has succeeded once; concurrent changes wait for the same run. A failure is
 * logged and the change goes ahead, as claims do not depend on the layout
 * being new; the next change tries again.
 */
export function layoutOnce(
  update: () => Promise<void>,
  logger: LoggerService,
): () => Promise<void> {
  let run: Promise<void> | undefined;
  return () => {
    run ??= update().catch(error => {
      run = undefined;
      logger.error(
        'Could not bring the GitOps layout up to date; the change is made all the same, and the next one tries again',
        toError(error),
      );
    });
    return run;
  };
}
