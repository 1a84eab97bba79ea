import type { KubernetesObject } from '@kubernetes/client-node';

/** Where an on-demand backup is. */
export type BackupState = 'pending' | 'completed' | 'failed';

/**
 * How far a final backup got, from the phase its engine operator reports.
 * CloudNativePG writes `completed` / `failed`, the YugabyteDB and Aerospike
 * operators similar words in other cases; anything else is still going.
 */
export function finalBackupState(backup: KubernetesObject): BackupState {
  const status = (backup as { status?: Record<string, unknown> }).status ?? {};
  const phase = String(status.phase ?? status.state ?? '').toLowerCase();
  if (['completed', 'complete', 'succeeded', 'success', 'done'].includes(phase))
    return 'completed';
  if (['failed', 'failure', 'error'].includes(phase)) return 'failed';
  return 'pending';
}
