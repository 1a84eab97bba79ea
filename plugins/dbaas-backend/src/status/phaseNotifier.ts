import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { databaseEntityPath } from '@internal/backstage-plugin-dbaas-common';
import type { ReportOutcomes } from '../database/ServiceStore';

/** The notifications' topic, for a user's notification settings. */
export const PHASE_TOPIC = 'dbaas-database-status';

/**
 * Tells the owning team when one of its databases fails, and again when it
 * recovers: a Backstage notification to the tenant's group (its members),
 * linking the database's page. Both carry one scope per database, so the
 * recovery replaces the failure in the team's inbox instead of adding to it;
 * and each phase change is recorded by one replica (ReportOutcomes), so each
 * is sent once. A failure to notify is logged, never the report's.
 */
export function phaseNotifier(deps: {
  notifications: NotificationService;
  logger: LoggerService;
}): (outcomes: ReportOutcomes) => Promise<void> {
  return async ({ service, engine, phase }) => {
    if (!phase) return;
    const failed = phase.to === 'Failed';
    const recovered = phase.from === 'Failed' && phase.to === 'Active';
    if (!failed && !recovered) return;
    try {
      await deps.notifications.send({
        recipients: { type: 'entity', entityRef: service.tenant },
        payload: failed
          ? {
              title: `Database ${service.name} failed`,
              description: `The ${engine} database ${service.name} is Failed${
                phase.detail ? `: ${phase.detail}` : ''
              }. Its page shows what happened on its timeline.`,
              link: databaseEntityPath(service.tenant, service.name),
              severity: 'critical',
              topic: PHASE_TOPIC,
              scope: `${PHASE_TOPIC}:${service.id}`,
            }
          : {
              title: `Database ${service.name} recovered`,
              description: `The ${engine} database ${
                service.name
              } is Active again${phase.detail ? `: ${phase.detail}` : ''}.`,
              link: databaseEntityPath(service.tenant, service.name),
              severity: 'normal',
              topic: PHASE_TOPIC,
              scope: `${PHASE_TOPIC}:${service.id}`,
            },
      });
    } catch (error) {
      deps.logger.warn(
        `Could not tell ${service.tenant} that ${service.name} is ${phase.to}`,
        toError(error),
      );
    }
  };
}
