import {
  CLAIM_ANNOTATIONS,
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  replicasStartFromPrimaryBackup,
  specFromSku,
  type RegionId,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';

/** The PoP the tests' operator serves. */
export const TEST_POP: RegionId = 'frankfurt';

/** A ServiceClaim as the portal commits it, on a SKU, in `namespace`. */
export function claimBody(
  namespace: string,
  name: string,
  options: {
    sku?: string;
    edit?: (spec: ServiceClaimSpec) => void;
    labels?: Record<string, string>;
  } = {},
) {
  const spec = specFromSku(skuCatalog, options.sku ?? 'pg-shared', TEST_POP);
  options.edit?.(spec);
  return {
    apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
    kind: SERVICE_CLAIM_API.kind,
    metadata: {
      name,
      namespace,
      labels: {
        [DBAAS_LABELS.serviceId]: `svc-${name}`,
        [DBAAS_LABELS.serviceName]: name,
        ...options.labels,
      },
      // As the portal commits it once the primary's first backup completed.
      ...(replicasStartFromPrimaryBackup(spec)
        ? {
            annotations: {
              [CLAIM_ANNOTATIONS.primaryBackup]: '20261201T020000',
            },
          }
        : {}),
    },
    spec,
  };
}
