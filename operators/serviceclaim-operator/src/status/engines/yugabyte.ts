import { credentialsSecret, PASSWORD_KEY } from '../../render/credentials';
import { BACKUP_ID_LABEL } from '../../render/backup';
import { MANAGED_BY } from '../../render/common';
import type { EngineBackupReader, EngineStatusReader } from '../engineStatus';
import { ofKind, statusOf } from '../engineStatus';

/**
 * The Backups the ServiceClaim operator made for the portal's requests. Their
 * status has only a message and YugabyteDB Anywhere's resource and task ids:
 * no phase, times or size, so a backup reads as running once YBA has a task
 * for it and never as completed. Scheduled backups run inside YBA and have no
 * object at all.
 */
const yugabyteBackups: EngineBackupReader = {
  sources: claim => [
    {
      apiVersion: 'operator.yugabyte.io/v1alpha1',
      kind: 'Backup',
      labelSelector: `app.kubernetes.io/managed-by=${MANAGED_BY},app.kubernetes.io/instance=${claim.metadata.name}`,
    },
  ],
  reports(objects) {
    return ofKind(objects, 'Backup').flatMap(backup => {
      const name = backup.metadata?.name;
      const backupId = backup.metadata?.labels?.[BACKUP_ID_LABEL];
      if (!name || !backupId) return [];
      const status = statusOf(backup);
      const task: string | undefined = status.taskUUID;
      const said = status.message ? `: ${status.message}` : '';
      return [
        {
          name,
          type: 'manual' as const,
          backupId,
          phase: task ? ('running' as const) : ('pending' as const),
          message: (task
            ? `YugabyteDB Anywhere task ${task}${said}. The YugabyteDB operator reports no completion; see the task in YugabyteDB Anywhere.`
            : `Waiting for YugabyteDB Anywhere to take it${said}.`
          ).slice(0, 1024),
        },
      ];
    });
  },
};

/** A universeState as a condition reason: `Error Creating` → `ErrorCreating`. */
function reasonOf(state: string): string {
  return state.replace(/[^A-Za-z0-9]/g, '') || 'Unknown';
}

/** The states of a universe paused by hand (spec.paused), in words. */
const PAUSE_STATES = new Map([
  [
    'Pausing',
    'The universe is being paused (spec.paused, set outside the portal): YugabyteDB Anywhere scales its pods to none',
  ],
  [
    'Paused',
    'The universe is paused (spec.paused, set outside the portal): it takes no connections until it is resumed',
  ],
  [
    'Error Pausing',
    'YugabyteDB Anywhere failed to pause the universe (spec.paused, set outside the portal): some of its pods may be stopped',
  ],
  [
    'Error Resuming',
    'YugabyteDB Anywhere failed to resume the paused universe: it may take no connections',
  ],
]);

/**
 * The YugabyteDB Anywhere operator's YBUniverse: its `universeState` (the
 * states of yugabyte-db managed/.../operator/OperatorStatusUpdater.java
 * UniverseState: Creating, Ready, Editing, Deleting, Paused, Pausing, Resuming
 * and the four `Error ...` states) and its task `actions` (queued, running,
 * failed). Ready only when the state is Ready and no task is queued, running
 * or failed: the operator writes Ready when a create or edit task succeeds.
 */
export const yugabyteStatus: EngineStatusReader = {
  kind: 'YBUniverse',
  backups: yugabyteBackups,
  health(universe) {
    const status = statusOf(universe);
    const state: string | undefined = status.universeState;
    const actions: {
      status?: string;
      message?: string;
      action_type?: string;
    }[] = Array.isArray(status.actions) ? status.actions : [];
    const failedTask = actions.find(a => a.status === 'failed');
    const running = actions.find(
      a => a.status === 'running' || a.status === 'queued',
    );
    const taskSaid = failedTask
      ? `${failedTask.action_type ?? 'A task'} failed: ${
          failedTask.message ?? 'no message'
        }`
      : undefined;
    const creating = !state || state === 'Creating';
    // The universe never came up: YBA gave up creating it (a missing provider
    // or password Secret, a placement it refuses, a failed create task).
    if (state === 'Error Creating' || (creating && failedTask)) {
      return {
        state: 'failed',
        reason: failedTask && creating ? 'TaskFailed' : reasonOf(state!),
        message: `YugabyteDB Anywhere could not create the universe${
          taskSaid ? `: ${taskSaid}` : ''
        }.`,
      };
    }
    // Someone paused the universe outside the portal. The renders never set
    // spec.paused ("A paused universe will have its statefulsets scaled to 0
    // pods", every other action ignored until it is resumed: the YBUniverse
    // CRD, yugabyte/charts 2026.1), and server-side apply leaves a field it
    // does not own as it is, so the universe stays paused until someone sets
    // it back. YBA writes Pausing, then Paused or Error Pausing, and on a
    // resume Resuming, then Ready or Error Resuming (yugabyte-db
    // managed/.../commissioner/tasks/upgrade/PauseKubernetesUniverse.java,
    // ResumeKubernetesUniverse.java). As for a paused Percona cluster
    // (./mongodb.ts): no connections and no way back by itself, so failed,
    // for someone to act on, not Active.
    const pause = state ? PAUSE_STATES.get(state) : undefined;
    if (pause) {
      return {
        state: 'failed',
        reason: reasonOf(state!),
        message: `${pause}${taskSaid ? ` (${taskSaid})` : ''}.`,
      };
    }
    if (state === 'Resuming') {
      return {
        state: 'provisioning',
        reason: 'Resuming',
        message:
          'The universe is being resumed (spec.paused set back to false); it takes connections once YugabyteDB Anywhere reports it Ready.',
      };
    }
    // The universe exists but an edit failed, or a task did.
    if (state?.startsWith('Error') || failedTask) {
      return {
        state: 'degraded',
        reason: failedTask ? 'TaskFailed' : reasonOf(state!),
        message: taskSaid
          ? `${taskSaid}${state ? ` (universe ${state})` : ''}.`
          : `The universe is in state ${state}.`,
      };
    }
    if (creating) {
      return {
        state: 'provisioning',
        reason: 'Creating',
        message: `The universe is ${
          state ? 'being created' : 'not reported yet'
        }.`,
      };
    }
    if (state === 'Ready') {
      return running
        ? {
            state: 'updating',
            reason: 'TaskRunning',
            message: `${running.action_type ?? 'A task'} is ${
              running.status
            } on the universe.`,
          }
        : {
            state: 'ready',
            reason: 'UniverseReady',
            message: 'The universe is ready.',
          };
    }
    // Editing, Deleting and states this reader does not know.
    return {
      state: 'updating',
      reason: reasonOf(state),
      message: `The universe is ${state}.`,
    };
  },
  backup(_universe, observed) {
    const storage = ofKind(observed, 'StorageConfig').map(statusOf)[0];
    const schedule = ofKind(observed, 'BackupSchedule').map(statusOf)[0];
    if (storage?.success === false) {
      return {
        status: 'False',
        reason: 'StorageConfigFailed',
        message:
          storage.message ??
          'YugabyteDB Anywhere refused the storage configuration.',
      };
    }
    if (schedule?.scheduleUUID) {
      return {
        status: 'True',
        reason: 'BackupScheduled',
        message: schedule.nextBackupTime
          ? `Next backup at ${schedule.nextBackupTime}.`
          : 'The backup schedule is registered.',
      };
    }
    return {
      status: 'Unknown',
      reason: 'WaitingForSchedule',
      message:
        'YugabyteDB Anywhere has not registered the backup schedule yet.',
    };
  },
  connection(universe, claim) {
    // YBA names the universe's Services itself and reports where YSQL listens.
    const endpoints: unknown = statusOf(universe).sqlEndpoints;
    const first = Array.isArray(endpoints) ? String(endpoints[0] ?? '') : '';
    const match = /^(.+):(\d+)$/.exec(first);
    if (!match) return undefined;
    return {
      host: match[1],
      port: Number(match[2]),
      database: 'yugabyte',
      username: 'yugabyte',
      passwordSecretRef: {
        name: credentialsSecret(claim)!.name,
        key: PASSWORD_KEY,
      },
    };
  },
};
