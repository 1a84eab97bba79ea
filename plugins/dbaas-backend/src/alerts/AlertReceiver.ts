import type { LoggerService } from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  SERVICE_ID_LABEL,
  claimRegions,
  type AlertReceipt,
  type AlertmanagerWebhook,
} from '@internal/backstage-plugin-dbaas-common';
import type { ServiceStore } from '../database/ServiceStore';
import type { AlertSources } from './alertSources';
import type { AlertChange, AlertStore, IncomingAlert } from './AlertStore';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Takes the alerts a PoP's Alertmanager posts: finds the database each is
 * about (its `dbaas_io_service_id` label), checks the sender speaks for a PoP
 * the database runs in, records them, and tells the teams of what changed
 * after the commit. An alert about no database of the portal, or of a PoP the
 * sender does not speak for, is set aside (and logged): answering an error
 * would only have Alertmanager send it again and again.
 */
export class AlertReceiver {
  constructor(
    private readonly deps: {
      services: ServiceStore;
      alerts: AlertStore;
      sources: AlertSources;
      logger: LoggerService;
      onChanges: (changes: AlertChange[]) => Promise<void>;
    },
  ) {}

  /** Whether `subject` is an Alertmanager of `dbaas.alerts.sources`. */
  isSource(subject: string): boolean {
    return this.deps.sources.has(subject);
  }

  async receive(
    subject: string,
    batch: AlertmanagerWebhook,
  ): Promise<AlertReceipt> {
    const pops = this.deps.sources.get(subject);
    if (!pops) {
      throw new NotAllowedError(
        `${subject} may not send alerts: it is not one of dbaas.alerts.sources`,
      );
    }
    const ignored = new Map<string, number>();
    const ignore = (reason: string, count = 1) =>
      ignored.set(reason, (ignored.get(reason) ?? 0) + count);

    const byService = new Map<string, IncomingAlert[]>();
    for (const alert of batch.alerts) {
      const id = alert.labels[SERVICE_ID_LABEL]?.toLowerCase();
      if (!id || !UUID.test(id)) {
        ignore(`no database id in its ${SERVICE_ID_LABEL} label`);
        continue;
      }
      const list = byService.get(id) ?? [];
      list.push({
        status: alert.status,
        fingerprint: alert.fingerprint,
        labels: alert.labels,
        annotations: alert.annotations,
        startsAt: alert.startsAt,
        // Alertmanager sends the zero time for an alert still firing.
        ...(alert.status === 'resolved' && alert.endsAt
          ? { endsAt: alert.endsAt }
          : {}),
      });
      byService.set(id, list);
    }

    let recorded = 0;
    const changes: AlertChange[] = [];
    for (const [id, alerts] of byService) {
      const service = await this.deps.services.getService(id, undefined);
      if (!service) {
        ignore('about no database of the portal', alerts.length);
        continue;
      }
      if (!claimRegions(service.spec).some(pop => pops.has(pop))) {
        this.deps.logger.warn(
          `${subject} sent alerts about ${service.name} of ${service.tenant}, which runs in none of its PoPs; set aside`,
        );
        ignore(`about a database in none of ${subject}'s PoPs`, alerts.length);
        continue;
      }
      changes.push(
        ...(await this.deps.alerts.record(
          {
            id: service.id,
            tenant: service.tenant,
            name: service.name,
            engine: service.spec.engine,
          },
          alerts,
        )),
      );
      recorded += alerts.length;
    }
    await this.deps.onChanges(changes);
    return {
      recorded,
      ignored: [...ignored].map(([reason, count]) => ({
        reason,
        alerts: count,
      })),
    };
  }
}
