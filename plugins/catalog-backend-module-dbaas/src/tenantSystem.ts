import type { ServiceSummary } from '@internal/backstage-plugin-dbaas-common';

/**
 * The System of a database's tenant, which its database and topic entities
 * are part of: catalog/systems/tenants.yaml holds one System per tenant,
 * named after its group.
 */
export function tenantSystem(service: ServiceSummary): string {
  return `system:${service.tenant.slice('group:'.length)}`;
}
