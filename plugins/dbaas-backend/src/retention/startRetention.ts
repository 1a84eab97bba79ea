import type {
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { InputError, toError } from '@backstage/errors';
import type { Knex } from 'knex';
import { RECENT_DAYS, type AlertStore } from '../alerts/AlertStore';
import { pruneAuditEvents } from '../audit/auditOutbox';
import type { PublishedOutboxes } from '../outbox/startOutboxRelays';

const DAY_MS = 86_400_000;

/** How long the plugin keeps its histories, from config. */
export type Retention = {
  /** Audit events (`dbaas.audit.retentionDays`, default 365). */
  auditDays: number;
  /** Resolved alerts and alert events (`dbaas.alerts.retentionDays`, default 90). */
  alertDays: number;
};

function days(
  config: RootConfigService,
  key: string,
  fallback: number,
  least: number,
): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < least) {
    throw new InputError(
      `${key} must be a whole number of days, at least ${least}; it is ${value}`,
    );
  }
  return value;
}

/** Reads the retention config; refuses what would delete what the API shows. */
export function retentionFromConfig(config: RootConfigService): Retention {
  return {
    auditDays: days(config, 'dbaas.audit.retentionDays', 365, 1),
    // A database's page lists the last RECENT_DAYS' resolved alerts.
    alertDays: days(config, 'dbaas.alerts.retentionDays', 90, RECENT_DAYS),
  };
}

/**
 * One retention pass: deletes the audit events older than their retention,
 * and the resolved alerts and alert events older than theirs; events a relay
 * still has to publish are kept. Resolves to what went, for the log.
 */
export async function pruneExpired(
  deps: {
    db: Knex;
    alerts: AlertStore;
    published: PublishedOutboxes;
    retention: Retention;
  },
  now: Date = new Date(),
  batchSize?: number,
): Promise<{ auditEvents: number; alerts: number; alertEvents: number }> {
  const { db, alerts, published, retention } = deps;
  const auditEvents = await pruneAuditEvents(db, {
    before: new Date(now.getTime() - retention.auditDays * DAY_MS),
    keepUnpublished: published.audit,
    batchSize,
  });
  const pruned = await alerts.prune({
    before: new Date(now.getTime() - retention.alertDays * DAY_MS),
    keepUnpublished: published.alerts,
    batchSize,
  });
  return { auditEvents, alerts: pruned.alerts, alertEvents: pruned.events };
}

/**
 * Schedules the retention pass every six hours, once across replicas (the
 * scheduler's lock), a few minutes after a start.
 */
export function startRetention(deps: {
  config: RootConfigService;
  logger: LoggerService;
  scheduler: SchedulerService;
  db: Knex;
  alerts: AlertStore;
  published: PublishedOutboxes;
}): void {
  const { logger, scheduler } = deps;
  const retention = retentionFromConfig(deps.config);
  scheduler.scheduleTask({
    id: 'dbaas-retention',
    frequency: { hours: 6 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 5 },
    fn: async () => {
      try {
        const pruned = await pruneExpired({ ...deps, retention });
        if (pruned.auditEvents + pruned.alerts + pruned.alertEvents > 0) {
          logger.info(
            `Retention: deleted ${pruned.auditEvents} audit events older than ${retention.auditDays} days, ${pruned.alerts} resolved alerts and ${pruned.alertEvents} alert events older than ${retention.alertDays} days`,
          );
        }
      } catch (error) {
        logger.error('The retention pass failed', toError(error));
      }
    },
  });
}
