import { tenantSlug } from '@internal/backstage-plugin-dbaas-common';

/**
 * The Kafka topic of a tenant's audit events. Throws for a tenant that is not a
 * group reference.
 */
export function auditTopic(tenant: string): string {
  return `dbaas.audit.${tenantSlug(tenant)}`;
}
