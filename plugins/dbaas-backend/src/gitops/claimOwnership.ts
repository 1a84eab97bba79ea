import { ConflictError } from '@backstage/errors';
import { DBAAS_LABELS } from '@internal/backstage-plugin-dbaas-common';
import yaml from 'js-yaml';

/**
 * The database a claim file in the GitOps repository belongs to: its
 * `dbaas.io/service-id` label, or undefined for a file that is not a claim
 * of the portal's (or does not parse).
 */
export function claimServiceId(content: string): string | undefined {
  try {
    const manifest = yaml.load(content, { schema: yaml.FAILSAFE_SCHEMA }) as {
      metadata?: { labels?: Record<string, unknown> };
    } | null;
    const id = manifest?.metadata?.labels?.[DBAAS_LABELS.serviceId];
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A change would overwrite or delete a file that is not the changing
 * database's claim: another database's (two tenants meeting in one folder,
 * a name reused before its decommission reached the repository) or one a
 * person wrote. The portal never takes over a file it cannot prove is its own.
 */
export class ClaimOwnershipError extends ConflictError {
  constructor(readonly path: string) {
    super(
      `${path} in the GitOps repository holds another database's claim, which this change must not overwrite or delete`,
    );
  }
}
