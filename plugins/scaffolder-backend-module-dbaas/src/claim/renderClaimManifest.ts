import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  claimFilePath,
  tenantNamespace,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import yaml from 'js-yaml';

/**
 * The ServiceClaim a create request becomes, as YAML, and where it goes in the
 * GitOps repository. A preview: the API renders the committed claim itself
 * (dbaas-backend's gitops/claimManifest) and adds the service id label and
 * its annotations once it has recorded the database. The spec never
 * holds a secret (passwords live in a Secret the operator makes), so the
 * manifest is safe to show and log.
 */
export function renderClaimManifest(options: {
  tenant: string;
  name: string;
  spec: ServiceClaimSpec;
}): { manifest: string; path: string } {
  const { tenant, name, spec } = options;
  const namespace = tenantNamespace(tenant);
  const claim = {
    apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
    kind: SERVICE_CLAIM_API.kind,
    metadata: {
      name,
      namespace,
      labels: {
        [DBAAS_LABELS.serviceName]: name,
        [DBAAS_LABELS.tenant]: namespace.slice('tenant-'.length),
        [DBAAS_LABELS.engine]: spec.engine,
        'app.kubernetes.io/managed-by': 'dbaas-portal',
      },
    },
    spec,
  };
  return {
    manifest: yaml.dump(claim, { noRefs: true, lineWidth: -1 }),
    path: claimFilePath(tenant, name),
  };
}
