import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { databaseEntityPath } from '@internal/backstage-plugin-dbaas-common';
import type { AlertChange } from './AlertStore';

/** The notifications' topic, for a user's notification settings. */
export const ALERT_TOPIC = 'dbaas-alerts';

const SEVERITIES: Record<string, 'critical' | 'high' | 'low'> = {
  critical: 'critical',
  warning: 'high',
  info: 'low',
};

/**
 * Tells a database's team (its tenant's group) that an alert about it fired,
 * and again when it resolved: one scope per database and alert, so the
 * resolution replaces the firing in the team's inbox. Changes not to be told
 * (muted, or a resolution nobody heard fire) are skipped; a failure to notify
 * is logged, the alert stays recorded.
 */
export function alertNotifier(deps: {
  notifications: NotificationService;
  logger: LoggerService;
}): (changes: AlertChange[]) => Promise<void> {
  return async changes => {
    for (const { service, alert, notify } of changes) {
      if (!notify) continue;
      const firing = alert.status === 'firing';
      const what = alert.summary ?? alert.name;
      const runbook = alert.runbookUrl ? ` Runbook: ${alert.runbookUrl}` : '';
      try {
        await deps.notifications.send({
          recipients: { type: 'entity', entityRef: service.tenant },
          payload: {
            title: firing
              ? `${alert.name} on ${service.name}`
              : `Resolved: ${alert.name} on ${service.name}`,
            description: firing
              ? `${what}${
                  alert.description ? ` ${alert.description}` : ''
                }${runbook}`
              : `${what} has resolved.`,
            link: databaseEntityPath(service.tenant, service.name),
            severity: firing
              ? SEVERITIES[alert.severity] ?? 'normal'
              : 'normal',
            topic: ALERT_TOPIC,
            scope: `${ALERT_TOPIC}:${alert.id}`,
          },
        });
      } catch (error) {
        deps.logger.warn(
          `Could not tell ${service.tenant} of ${alert.name} on ${service.name}`,
          toError(error),
        );
      }
    }
  };
}
