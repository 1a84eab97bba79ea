import type {
  AuthService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { toError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { RESTORE_DRILL_SCHEDULE_ACTOR } from '@internal/backstage-plugin-dbaas-common';
import type { BackupStore } from '../database/BackupStore';
import type { RestoreDrillStore } from '../database/RestoreDrillStore';
import type { ServiceStore } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import type { DatabaseLifecycle } from '../lifecycle/DatabaseLifecycle';
import { NotifyingDrillReporter } from './DrillReporter';
import { RestoreDrills, type DrillPolicy } from './RestoreDrills';

/** `dbaas.restoreDrills`, with its defaults. */
export function drillPolicyFromConfig(
  config: RootConfigService,
): DrillPolicy & {
  enabled: boolean;
  checkEverySeconds: number;
} {
  const drills = config.getOptionalConfig('dbaas.restoreDrills');
  const positive = (key: string, fallback: number) => {
    const value = drills?.getOptionalNumber(key) ?? fallback;
    if (!(value > 0)) {
      throw new Error(
        `dbaas.restoreDrills.${key} must be a positive number, not ${value}`,
      );
    }
    return value;
  };
  return {
    enabled: drills?.getOptionalBoolean('enabled') ?? true,
    intervalMs: positive('intervalDays', 7) * 86_400_000,
    timeoutMs: positive('timeoutMinutes', 120) * 60_000,
    maxRunning: Math.floor(positive('maxRunning', 2)),
    checkEverySeconds: positive('checkEverySeconds', 300),
  };
}

/**
 * Restore drills: runs one pass of them on the schedule, once across
 * replicas, unless `dbaas.restoreDrills.enabled` is false. A drill asked for
 * through the API runs either way.
 */
export async function startRestoreDrills(deps: {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  auth: AuthService;
  metrics: MetricsService;
  notifications?: NotificationService;
  services: ServiceStore;
  backups: BackupStore;
  drills: RestoreDrillStore;
  timeline: TimelineStore;
  lifecycle: DatabaseLifecycle;
}): Promise<RestoreDrills> {
  const policy = drillPolicyFromConfig(deps.config);
  const drills = new RestoreDrills({
    services: deps.services,
    backups: deps.backups,
    drills: deps.drills,
    timeline: deps.timeline,
    lifecycle: deps.lifecycle,
    reporter: new NotifyingDrillReporter(deps),
    policy,
    scheduleCaller: {
      actor: RESTORE_DRILL_SCHEDULE_ACTOR,
      credentials: await deps.auth.getOwnServiceCredentials(),
      requestId: 'restore-drills',
    },
    logger: deps.logger.child({ task: 'restore-drills' }),
  });
  if (policy.enabled) {
    await deps.scheduler.scheduleTask({
      id: 'dbaas-restore-drills',
      frequency: { seconds: policy.checkEverySeconds },
      timeout: { minutes: 10 },
      initialDelay: { seconds: Math.min(60, policy.checkEverySeconds) },
      fn: async () => {
        try {
          await drills.tick();
        } catch (error) {
          deps.logger.error('Restore drills could not run', toError(error));
        }
      },
    });
  }
  return drills;
}
