import { claimRegions } from './claimRegions';
import { engineBackups } from '../catalog/backupCapabilities';
import {
  cdcTableFormIssue,
  cdcTableForms,
  engineCdc,
} from '../cdc/cdcCapabilities';
import type { Sku, SkuCatalog } from '../catalog/schema';
import { DRAGONFLY_MEMORY_TIERS, engineRoles } from './engineRoles';
import { engineTls } from './engineTls';
import { toGi } from './quantity';
import type { ServiceClaimSpec } from './serviceClaimSpec';

/** A broken rule: the field it concerns and a message a user can act on. @public */
export type ClaimIssue = { path: (string | number)[]; message: string };

const MIN_STORAGE_GI = 100;
const MAX_STORAGE_GI = 10 * 1024;

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/**
 * The rules a well-shaped spec must also follow: storage bounds, the engine's own
 * constraints, the plan's, and what the service catalog offers. Every message names
 * the rule, so an API answer or a form error tells the user what to change.
 *
 * `scope: 'runnable'` keeps only the rules without which a claim cannot be
 * rendered at all (its engine's roles, its primary among its regions, MongoDB's
 * mode, a restore its engine can do). The operator applies those alone: a claim committed under earlier rules
 * or a catalog that has since retired its version keeps running; the portal
 * refuses its next change until it follows today's rules.
 * @public
 */
export function claimRuleIssues(
  spec: ServiceClaimSpec,
  catalog: Pick<SkuCatalog, 'engines' | 'plans'> & {
    skus: readonly Pick<Sku, 'id' | 'engine' | 'plan'>[];
  },
  scope: 'all' | 'runnable' = 'all',
): ClaimIssue[] {
  const issues: ClaimIssue[] = [];
  // A rule of what is offered today.
  const add = (path: ClaimIssue['path'], message: string) => {
    if (scope === 'all') issues.push({ path, message });
  };
  // A rule the render needs.
  const need = (path: ClaimIssue['path'], message: string) =>
    issues.push({ path, message });
  const engine = catalog.engines.find(e => e.id === spec.engine)!;
  const rf = spec.replication.factor;
  const replicas = (role: string) => spec.resources[role]?.replicas ?? 0;

  const sizeGi = toGi(spec.storage.size);
  if (sizeGi < MIN_STORAGE_GI || sizeGi > MAX_STORAGE_GI) {
    add(['storage', 'size'], 'Must be between 100Gi and 10Ti');
  }

  if (!engine.versions.includes(spec.version)) {
    add(
      ['version'],
      `${engine.displayName} is offered in versions ${engine.versions.join(
        ', ',
      )}`,
    );
  }

  const roles = engineRoles[spec.engine];
  for (const role of Object.keys(spec.resources)) {
    if (![...roles.required, ...roles.optional].includes(role)) {
      need(
        ['resources', role],
        `${engine.displayName} has no role "${role}" (its roles: ${[
          ...roles.required,
          ...roles.optional,
        ].join(', ')})`,
      );
    }
  }
  for (const role of roles.required) {
    if (!spec.resources[role]) {
      need(
        ['resources', role],
        `${engine.displayName} needs the ${role} role sized`,
      );
    }
  }

  if (!spec.replication.regions.includes(spec.region)) {
    need(
      ['replication', 'regions'],
      `Must include the primary region ${spec.region}`,
    );
  }

  const tls = engineTls[spec.engine];
  if (tls.kind === 'unavailable' && spec.networking?.tls.enabled) {
    add(['networking', 'tls', 'enabled'], tls.reason);
  }

  switch (spec.engine) {
    case 'yugabyte':
      if (rf % 2 === 0 || rf > 7) {
        add(
          ['replication', 'factor'],
          'YugabyteDB needs an odd replication factor from 1 to 7',
        );
      }
      if (spec.resources.tserver && replicas('tserver') < rf) {
        add(
          ['resources', 'tserver', 'replicas'],
          `YugabyteDB needs at least as many tservers as the replication factor (${rf})`,
        );
      }
      break;
    case 'vitess':
      if (!isPowerOfTwo(spec.topology?.shards ?? 1)) {
        add(
          ['topology', 'shards'],
          'Vitess needs a shard count that is a power of two (1, 2, 4, 8, ...)',
        );
      }
      break;
    case 'scylla':
      if ((spec.topology?.racks ?? 1) < rf) {
        add(
          ['topology', 'racks'],
          `ScyllaDB needs at least as many racks as the replication factor (${rf})`,
        );
      }
      break;
    case 'dragonfly': {
      const memory = spec.resources.instance?.memory;
      if (
        memory &&
        !(DRAGONFLY_MEMORY_TIERS as readonly string[]).includes(memory)
      ) {
        add(
          ['resources', 'instance', 'memory'],
          `Dragonfly comes in memory tiers of ${DRAGONFLY_MEMORY_TIERS.join(
            ', ',
          )}`,
        );
      }
      break;
    }
    case 'aerospike':
      if (
        spec.engineOptions?.strongConsistency &&
        (rf < 2 || replicas('node') < 3)
      ) {
        add(
          ['engineOptions', 'strongConsistency'],
          'Aerospike strong consistency needs a replication factor of at least 2 and at least 3 nodes',
        );
      }
      break;
    case 'mongodb': {
      const mode = spec.topology?.mode;
      if (!mode) {
        need(
          ['topology', 'mode'],
          'MongoDB runs as a replicaset or a sharded cluster: choose one',
        );
      } else if (mode === 'sharded' && (spec.topology?.shards ?? 0) < 2) {
        add(
          ['topology', 'shards'],
          'A sharded MongoDB cluster needs at least 2 shards',
        );
      } else if (mode === 'replicaset' && replicas('mongod') % 2 === 0) {
        add(
          ['resources', 'mongod', 'replicas'],
          'A MongoDB replica set needs an odd number of members to elect a primary',
        );
      }
      // The cluster runs in the primary region alone
      // (operators/serviceclaim-operator/src/render/engines/mongodb.ts): a
      // second region would be promised and never run.
      if (claimRegions(spec).length > 1) {
        add(
          ['replication', 'regions'],
          "MongoDB runs in one region: the Percona operator's cross-region replication needs each region's members reachable from the others, which the platform does not provide yet",
        );
      }
      break;
    }
    case 'postgresql': {
      // One CloudNativePG cluster per region; every region but the primary's
      // runs a replica cluster that follows the primary's WAL archive
      // (operators/serviceclaim-operator/src/render/engines/postgresql.ts).
      // (A shared claim in more regions has the plan's own message, below.)
      const regions =
        spec.plan === 'shared' ? 1 : spec.replication.regions.length;
      if (regions > 1 && !spec.backup.enabled) {
        add(
          ['backup', 'enabled'],
          "PostgreSQL in more than one region needs backups on: the other regions follow the primary's WAL archive",
        );
      }
      // The primary region takes the larger share of the instances; with one
      // more instance than regions it has a standby to fail over to.
      if (regions > 1 && replicas('instance') < regions + 1) {
        add(
          ['resources', 'instance', 'replicas'],
          `PostgreSQL in ${regions} regions needs at least ${
            regions + 1
          } instances: one in each region and a standby beside the primary`,
        );
      }
      break;
    }
    default:
      break;
  }

  switch (spec.plan) {
    case 'shared':
      if (spec.replication.regions.length > 1) {
        add(
          ['replication', 'regions'],
          'The shared plan runs in a single region',
        );
      }
      for (const [role, size] of Object.entries(spec.resources)) {
        if (size.replicas > 1) {
          add(
            ['resources', role, 'replicas'],
            'The shared plan scales vertically only: every role runs 1 replica',
          );
        }
      }
      for (const part of ['shards', 'racks'] as const) {
        if ((spec.topology?.[part] ?? 1) > 1) {
          add(
            ['topology', part],
            'The shared plan scales vertically only: no shards or racks',
          );
        }
      }
      break;
    case 'clustered':
      if (!spec.highAvailability.multiAZ) {
        add(
          ['highAvailability', 'multiAZ'],
          'The clustered plan spreads over availability zones: multiAZ must be true',
        );
      }
      break;
    case 'global':
      if (spec.replication.regions.length < 2) {
        add(
          ['replication', 'regions'],
          'The global plan needs at least 2 regions',
        );
      }
      break;
    default:
      break;
  }

  // The operator renders a restore only where the engine has one: a claim
  // that asks for another would come up as an empty database.
  if (spec.restore) {
    const kind = spec.restore.pointInTime ? 'pointInTime' : 'restore';
    const capability = engineBackups[spec.engine][kind];
    if (!capability.available) {
      need(['restore'], capability.reason);
    }
  }

  if (
    spec.backup.enabled &&
    (!spec.backup.schedule || !spec.backup.retention)
  ) {
    add(['backup'], 'An enabled backup needs a schedule and a retention');
  }

  cdcRuleIssues(spec, add);

  if (spec.sku) {
    const sku = catalog.skus.find(s => s.id === spec.sku);
    if (!sku) {
      add(['sku'], `There is no SKU "${spec.sku}"`);
    } else {
      // Where it is offered depends on the PoPs of the moment, which the
      // API checks (checkedSpec); the claim's shape cannot.
      if (sku.engine !== spec.engine || sku.plan !== spec.plan) {
        add(['sku'], `SKU ${sku.id} is ${sku.engine} on the ${sku.plan} plan`);
      }
    }
  }
  return issues;
}

/**
 * A database's CDC pipelines: offered on its engine, named once, each table in
 * the engine's form and captured by one pipeline (its topic has one writer).
 */
function cdcRuleIssues(
  spec: ServiceClaimSpec,
  add: (path: ClaimIssue['path'], message: string) => void,
) {
  const pipelines = spec.cdc?.pipelines ?? [];
  if (pipelines.length === 0) return;
  const capability = engineCdc[spec.engine];
  if (!capability.available) {
    add(['cdc', 'pipelines'], capability.reason);
    return;
  }
  const form = cdcTableForms[spec.engine];
  const names = new Set<string>();
  const captured = new Map<string, string>();
  pipelines.forEach((pipeline, i) => {
    if (names.has(pipeline.name)) {
      add(
        ['cdc', 'pipelines', i, 'name'],
        `There is already a pipeline named ${pipeline.name}`,
      );
    }
    names.add(pipeline.name);
    pipeline.tables.forEach((table, j) => {
      const path = ['cdc', 'pipelines', i, 'tables', j];
      const formIssue = cdcTableFormIssue(table, form);
      if (formIssue) add(path, formIssue);
      const other = captured.get(table);
      if (other !== undefined) {
        add(
          path,
          other === pipeline.name
            ? `${table} is listed twice`
            : `${table} is already captured by pipeline ${other}`,
        );
      }
      captured.set(table, pipeline.name);
    });
  });
}
