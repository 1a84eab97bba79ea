import {
  claimSpecForChange,
  claimSpecForRequest,
  type ClaimSpecResult,
  type CreateServiceRequest,
  type SkuCatalog,
  type ServiceClaimSpec,
  type ServiceConfig,
} from '@internal/backstage-plugin-dbaas-common';
import { invalidInput } from '../errors/invalidInput';

/** The spec, or an InputError naming each request field a rule is broken through. */
function specOrThrow(result: ClaimSpecResult): ServiceClaimSpec {
  if (!result.ok) {
    throw invalidInput(result.subject, result.issues);
  }
  return result.spec;
}

/**
 * The spec of a new database (see claimSpecForRequest, which the scaffolder
 * resolves requests with too).
 */
export function specForCreate(
  catalog: SkuCatalog,
  request: CreateServiceRequest,
): ServiceClaimSpec {
  return specOrThrow(claimSpecForRequest(catalog, request));
}

/**
 * The spec after a config change. Rejects transitions a running database cannot
 * make: shrinking storage, fewer shards, a version downgrade.
 */
export function specForUpdate(
  current: ServiceClaimSpec,
  config: ServiceConfig,
  fieldOf?: (specPath: string) => string,
): ServiceClaimSpec {
  return specOrThrow(claimSpecForChange(current, config, fieldOf));
}

/** Describes what a config change changes, for the answer and the audit log. */
export function describeChange(
  before: ServiceClaimSpec,
  after: ServiceClaimSpec,
): string {
  const changes: string[] = [];
  if (before.storage.size !== after.storage.size) {
    changes.push(`storage ${before.storage.size} \u2192 ${after.storage.size}`);
  }
  if (before.version !== after.version) {
    changes.push(`version ${before.version} \u2192 ${after.version}`);
  }
  for (const [role, size] of Object.entries(after.resources)) {
    const old = before.resources[role];
    if (!old) continue;
    if (old.replicas !== size.replicas) {
      changes.push(`${role} replicas ${old.replicas} \u2192 ${size.replicas}`);
    }
    if (old.cpu !== size.cpu || old.memory !== size.memory) {
      changes.push(
        `${role} size ${old.cpu} CPU/${old.memory} \u2192 ${size.cpu} CPU/${size.memory}`,
      );
    }
  }
  if (JSON.stringify(before.backup) !== JSON.stringify(after.backup)) {
    changes.push('backup settings');
  }
  const described = (spec: ServiceClaimSpec) =>
    JSON.stringify({
      ...spec,
      storage: { ...spec.storage, size: undefined },
      version: undefined,
      resources: Object.keys(spec.resources),
      backup: undefined,
    });
  if (described(before) !== described(after)) {
    changes.push('other settings');
  }
  return changes.join(', ');
}
