import {
  applyServiceConfig,
  configFieldOfSpecPath,
  type ServiceConfig,
} from '../api/serviceConfig';
import {
  checkedSpec,
  type ClaimSpecResult,
  type RequestIssue,
} from './claimSpecForRequest';
import { versionChangeIssue } from '../catalog/versionUpgrades';
import { toGi } from './quantity';
import type { ServiceClaimSpec } from './serviceClaimSpec';

/**
 * The spec of a running database after a config change, checked with every
 * rule. Refuses transitions a running database cannot make: shrinking
 * storage, fewer shards, a version change other than an allowed upgrade
 * (versionChangeIssue). `fieldOf` names the request
 * field a spec path was set through, when the request is not a config (a
 * scale request's `replicas` sets `resources.<role>.replicas`). `regions` are
 * the PoPs it may run in now (its SKU's, from the live PoP list); a region it
 * already runs in stays allowed, so a PoP leaving the list never blocks a
 * change that does not touch the regions.
 * @public
 */
export function claimSpecForChange(
  current: ServiceClaimSpec,
  config: ServiceConfig,
  regions: readonly string[],
  fieldOf?: (specPath: string) => string,
): ClaimSpecResult {
  const next = applyServiceConfig(current, config);
  const issues: RequestIssue[] = [];
  const field = (specPath: string) =>
    (fieldOf ?? configFieldOfSpecPath)(specPath).split('.');
  if (toGi(next.storage.size) < toGi(current.storage.size)) {
    issues.push({
      path: field('storage.size'),
      message: `Storage cannot shrink (from ${current.storage.size} to ${next.storage.size}); volumes only grow`,
    });
  }
  if ((next.topology?.shards ?? 1) < (current.topology?.shards ?? 1)) {
    issues.push({
      path: field('topology.shards'),
      message: `Shards cannot be reduced (from ${current.topology?.shards} to ${next.topology?.shards})`,
    });
  }
  const versionIssue = versionChangeIssue(
    current.engine,
    current.version,
    next.version,
  );
  if (versionIssue) {
    issues.push({ path: field('version'), message: versionIssue });
  }
  if (issues.length > 0) {
    return { ok: false, subject: 'change', issues };
  }
  const allowed = new Set([...regions, ...current.replication.regions]);
  return checkedSpec(next, 'change', [...allowed], fieldOf);
}
