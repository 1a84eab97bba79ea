import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { EventsService } from '@backstage/plugin-events-node';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  DBAAS_SERVICE_CHANGED_TOPIC,
  DBAAS_SIGNAL_CHANNEL,
  serviceStatusOf,
  type ServiceChangedEvent,
} from '@internal/backstage-plugin-dbaas-common';
import type { ServiceRecord } from '../database/ServiceStore';

/**
 * Tells the rest of the portal that a database changed, after the change is
 * committed: the events service (the catalog's entity provider, other replicas)
 * and Signals to the members of the database's tenant (its pages). A failure to
 * tell is logged, never the request's failure: the change itself stands.
 */
export class ServiceChangeNotifier {
  constructor(
    private readonly events: EventsService,
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  async notify(
    record: ServiceRecord,
    action: ServiceChangedEvent['action'],
  ): Promise<void> {
    const event: ServiceChangedEvent = {
      id: record.id,
      tenant: record.tenant,
      action,
      status: serviceStatusOf(record.status),
    };
    try {
      await Promise.all([
        this.events.publish({
          topic: DBAAS_SERVICE_CHANGED_TOPIC,
          eventPayload: event,
        }),
        this.signals.publish({
          // Signals match recipients against users' ownership refs, so naming the
          // tenant's group reaches its members.
          recipients: { type: 'user', entityRef: record.tenant },
          channel: DBAAS_SIGNAL_CHANNEL,
          message: event,
        }),
      ]);
    } catch (error) {
      this.logger.warn(
        `Could not announce the change of database ${record.id}`,
        toError(error),
      );
    }
  }
}
