import {
  type CdcPipeline,
  claimRegions,
  claimSpecForChange,
  claimSpecForRequest,
  serviceClaimSpecSchema,
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
 * The source's configuration as it is now, its backup named as the new
 * database's `restore` (a restore of a restored database names its own
 * source, not the first one's). Not checked: see specForRestore, and a
 * restore drill's scratchSpec.
 */
export function restoredSpec(
  source: { id: string; name: string; spec: ServiceClaimSpec },
  restore: { backup: string; pointInTime?: string },
): ServiceClaimSpec {
  // Not its CDC pipelines: their topics name no database, and the source
  // already writes them (tenantCdcPipelines).
  const { restore: _previous, cdc: _pipelines, ...config } = source.spec;
  return {
    ...config,
    restore: {
      source: source.name,
      // Its backups' folder is named by its id (a database of the same name
      // made later has another).
      sourceId: source.id,
      ...(config.backup.destination
        ? { destination: config.backup.destination }
        : {}),
      backup: restore.backup,
      ...(restore.pointInTime ? { pointInTime: restore.pointInTime } : {}),
    },
  };
}

/**
 * The spec of a database restored from a backup of `source`: the source's
 * configuration as it is now, with the backup named. Checked with every rule
 * of today's offer, like any new database: a source on a version since
 * retired cannot be restored as it is, and one in a PoP that takes no new
 * databases of its SKU any more (its entity removed) cannot be restored
 * there; the answer says why.
 */
export function specForRestore(
  catalog: SkuCatalog,
  source: { id: string; name: string; spec: ServiceClaimSpec },
  restore: { backup: string; pointInTime?: string },
): ServiceClaimSpec {
  const spec = restoredSpec(source, restore);
  const offered = regionsOf(catalog, spec);
  const closed = claimRegions(spec).filter(region => !offered.includes(region));
  if (closed.length > 0) {
    throw invalidInput('restore request', [
      {
        path: ['backupId'],
        message: `The database would be made in ${
          source.name
        }'s regions, and ${closed.join(' and ')} ${
          closed.length === 1 ? 'takes' : 'take'
        } no new databases of its SKU now (${
          offered.length > 0 ? offered.join(', ') : 'none'
        } do)`,
      },
    ]);
  }
  const result = serviceClaimSpecSchema.safeParse(spec);
  if (!result.success) {
    throw invalidInput(
      'restore request',
      result.error.issues.map(issue => ({
        path: ['backupId'],
        message: `The database would be made with ${
          source.name
        }'s configuration, which breaks a rule at ${issue.path.join('.')}: ${
          issue.message
        }`,
      })),
    );
  }
  return result.data;
}

/**
 * The PoPs a database may run in: where its SKU is offered now (every PoP
 * for a claim that names no SKU).
 */
function regionsOf(catalog: SkuCatalog, spec: ServiceClaimSpec): string[] {
  const sku = spec.sku && catalog.skus.find(s => s.id === spec.sku);
  return sku ? sku.regions : catalog.regions.map(region => region.id);
}

/**
 * The spec after a config change. Rejects transitions a running database cannot
 * make: shrinking storage, fewer shards, a version downgrade, and a region
 * that is not one of its SKU's PoPs.
 */
export function specForUpdate(
  catalog: SkuCatalog,
  current: ServiceClaimSpec,
  config: ServiceConfig,
  fieldOf?: (specPath: string) => string,
): ServiceClaimSpec {
  return specOrThrow(
    claimSpecForChange(current, config, regionsOf(catalog, current), fieldOf),
  );
}

/**
 * The spec with the database's CDC pipelines replaced (none: no `cdc`),
 * checked with every claim rule, which name a table not in the engine's form,
 * a pipeline name taken twice and a table two pipelines capture. `fieldOf`
 * names the request field a broken rule's spec path was set through.
 */
export function specForCdc(
  current: ServiceClaimSpec,
  pipelines: CdcPipeline[],
  fieldOf?: (specPath: string) => string,
): ServiceClaimSpec {
  const { cdc: _previous, ...rest } = current;
  const next = pipelines.length > 0 ? { ...rest, cdc: { pipelines } } : rest;
  // No config on top: the spec is checked as it is.
  // Its regions are unchanged, and a region it runs in stays allowed.
  const result = claimSpecForChange(next, {}, [], fieldOf);
  if (!result.ok) {
    throw invalidInput('CDC pipeline', result.issues);
  }
  return result.spec;
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
