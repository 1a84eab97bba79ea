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
    // The universe exists but an edit, pause or resume failed, or a task did.
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
    if (state === 'Paused') {
      return {
        state: 'degraded',
        reason: 'Paused',
        message: 'The universe is paused and takes no connections.',
      };
    }
    // Editing, Pausing, Resuming, Deleting and states this reader does not know.
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
