import {
  applyServiceConfig,
  configFieldOfSpecPath,
  serviceClaimSpecSchema,
  specFromSku,
  toGi,
  type CreateServiceRequest,
  type EngineId,
  type ServiceCatalog,
  type ServiceClaimSpec,
  type ServiceConfig,
} from '@internal/backstage-plugin-dbaas-common';
import { invalidInput, type FieldIssue } from './parse';

/**
 * Validates a whole spec with every claim rule and reports each broken rule
 * against the request field the caller set it through.
 */
function validated(
  spec: ServiceClaimSpec,
  what: string,
  fieldOf: (specPath: string) => string = configFieldOfSpecPath,
): ServiceClaimSpec {
  const result = serviceClaimSpecSchema.safeParse(spec);
  if (result.success) {
    return result.data;
  }
  throw invalidInput(
    what,
    result.error.issues.map(issue => ({
      path: fieldOf(issue.path.map(String).join('.')).split('.'),
      message: issue.message,
    })),
  );
}

/**
 * The spec of a new database: the SKU's defaults (the named SKU, or the first of
 * the engine and plan stocked in the region) with the request's config on top.
 */
export function specForCreate(
  catalog: ServiceCatalog,
  request: CreateServiceRequest,
): ServiceClaimSpec {
  const { engine, plan, region } = request;
  const sku = request.sku
    ? catalog.skus.find(s => s.id === request.sku)
    : catalog.skus.find(
        s =>
          s.engine === engine && s.plan === plan && s.regions.includes(region),
      );
  if (!sku) {
    throw request.sku
      ? invalidInput('database request', [
          { path: ['sku'], message: `There is no SKU "${request.sku}"` },
        ])
      : invalidInput('database request', [
          {
            path: ['region'],
            message: `No ${plan} ${engine} SKU is offered in ${region}`,
          },
        ]);
  }
  if (sku.engine !== engine || sku.plan !== plan) {
    throw invalidInput('database request', [
      {
        path: ['sku'],
        message: `SKU ${sku.id} is a ${sku.plan} ${sku.engine} SKU, not ${plan} ${engine}`,
      },
    ]);
  }
  const base = specFromSku(catalog, sku.id, region);
  return validated(
    applyServiceConfig(base, request.config ?? {}),
    'database config',
  );
}

const compareVersions = (a: string, b: string) =>
  a.localeCompare(b, 'en', { numeric: true });

/**
 * The spec after a config change. Rejects transitions a running database cannot
 * make: shrinking storage, fewer shards, a version downgrade.
 */
export function specForUpdate(
  current: ServiceClaimSpec,
  config: ServiceConfig,
  fieldOf?: (specPath: string) => string,
): ServiceClaimSpec {
  const next = applyServiceConfig(current, config);
  const issues: FieldIssue[] = [];
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
  if (compareVersions(next.version, current.version) < 0) {
    issues.push({
      path: field('version'),
      message: `Version cannot be downgraded (from ${current.version} to ${next.version})`,
    });
  }
  if (issues.length > 0) {
    throw invalidInput('change', issues);
  }
  return validated(next, 'change', fieldOf);
}

/** The role a scale request sizes when it names none: the one holding data. */
export const DATA_ROLE: Record<EngineId, string> = {
  yugabyte: 'tserver',
  vitess: 'vttablet',
  scylla: 'member',
  dragonfly: 'instance',
  aerospike: 'node',
  mongodb: 'mongod',
  postgresql: 'instance',
};

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
