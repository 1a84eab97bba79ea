import {
  claimFilePath,
  claimManifestYaml,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * The ServiceClaim a create request becomes, as YAML, and where it goes in the
 * GitOps repository: a preview, rendered as the API will commit it, without the
 * id, organization and generation it gets once recorded. The spec never holds a
 * secret (passwords live in a Secret the operator makes), so the manifest is
 * safe to show and log.
 */
export function renderClaimManifest(options: {
  tenant: string;
  name: string;
  spec: ServiceClaimSpec;
}): { manifest: string; path: string } {
  return {
    manifest: claimManifestYaml(options),
    path: claimFilePath(options.tenant, options.name),
  };
}
