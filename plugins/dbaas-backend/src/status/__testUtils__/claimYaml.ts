import { dumpYaml } from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  skuCatalog,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { MANAGED_BY_PORTAL_LABEL } from '../../dev/gitopsSync';

/** A ServiceClaim manifest as the portal commits it: a pg-shared database in Lagos. */
export function claimYaml(claim: {
  tenant: string;
  name: string;
  serviceId: string;
}): string {
  return dumpYaml({
    apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
    kind: SERVICE_CLAIM_API.kind,
    metadata: {
      name: claim.name,
      namespace: `tenant-${claim.tenant}`,
      labels: {
        [DBAAS_LABELS.serviceId]: claim.serviceId,
        [DBAAS_LABELS.serviceName]: claim.name,
        [MANAGED_BY_PORTAL_LABEL.key]: MANAGED_BY_PORTAL_LABEL.value,
      },
    },
    spec: specFromSku(skuCatalog, 'pg-shared', 'lagos'),
  });
}
