import type { ServiceStatus } from './serviceStatus';

/**
 * The events-service topic on which the DBaaS backend announces every change of a
 * database (the catalog's entity provider listens to it).
 * @public
 */
export const DBAAS_SERVICE_CHANGED_TOPIC = 'dbaas.service.changed';

/** The Signals channel on which the portal's pages hear about changes. @public */
export const DBAAS_SIGNAL_CHANNEL = 'dbaas:services';

/** What changed: the payload of the topic and of the signal. @public */
export type ServiceChangedEvent = {
  id: string;
  tenant: string;
  action: 'created' | 'updated' | 'deleted' | 'status';
  status: ServiceStatus;
};
