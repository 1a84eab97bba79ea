import type { KubernetesObject } from '@kubernetes/client-node';
import type { ClaimObject } from '../render/types';
import type { ClaimRun } from './ClaimRun';
import { reportBackups } from './reportBackups';

/**
 * Writes the status the applied objects tell (`statusFrom`), with the claim's
 * backups and the generation it reflects, when it differs from the claim's.
 */
export async function writeClaimStatus(
  run: ClaimRun,
  view: ClaimObject,
  applied: KubernetesObject[],
): Promise<void> {
  const status = run.deps.statusFrom(view, applied, run.now);
  const backups = await reportBackups(run.deps, view, {
    reported: run.claim.status?.backups,
    logger: run.logger,
  });
  await run.writeStatus({
    ...status,
    observedGeneration: run.claim.metadata.generation,
    ...(backups?.length ? { backups } : {}),
  });
}
