import type { ServiceStatus } from '@internal/backstage-plugin-dbaas-common';

/** `provisioning` → `Provisioning`: the claim phase as the operator names it. */
export const phaseLabel = (status: ServiceStatus): string =>
  status.charAt(0).toUpperCase() + status.slice(1);
