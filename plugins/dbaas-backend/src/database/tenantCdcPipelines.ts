import { ConflictError } from '@backstage/errors';
import {
  cdcTopic,
  tenantSlug,
  type CdcPipeline,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { QuotaExceededError } from './QuotaExceededError';
import type { TenantQuota } from './ServiceStore';
import { usageOf } from './quotas';
import type { RawServiceRow } from './serviceRows';

const pipelinesOf = (spec: ServiceClaimSpec): CdcPipeline[] =>
  spec.cdc?.pipelines ?? [];

/**
 * Checks a database's CDC pipelines against the tenant's other live
 * databases, inside the change's transaction and under the tenant's quota
 * lock (lockQuota), so that two concurrent changes are checked one after the
 * other:
 *
 * - a table's topic (cdcTopic) names the engine, the tenant and the table but
 *   no database, so it must have one writer: a table another database of the
 *   tenant captures is refused (ConflictError naming that database);
 * - the pipelines of the tenant's databases together stay within its quota
 *   (QuotaExceededError). A drill's scratch database is outside the quota.
 *
 * Only what the change adds is checked, so that a database can always pause,
 * resume, restart or remove its pipelines.
 */
export async function assertCdcAllowed(
  tx: Knex.Transaction,
  change: {
    tenant: string;
    /** The database's id; absent for a new one. */
    id?: string;
    spec: ServiceClaimSpec;
    previous?: ServiceClaimSpec;
    drill?: boolean;
  },
  quota: TenantQuota,
): Promise<void> {
  const pipelines = pipelinesOf(change.spec);
  if (pipelines.length === 0) {
    return;
  }
  const before = change.previous ? pipelinesOf(change.previous) : [];
  const capturedBefore = new Set(before.flatMap(p => p.tables));
  const added = pipelines.flatMap(pipeline =>
    pipeline.tables
      .filter(table => !capturedBefore.has(table))
      .map(table => ({ table, pipeline: pipeline.name })),
  );
  if (added.length > 0) {
    await assertTopicsFree(tx, change, added);
  }

  if (pipelines.length > before.length && !change.drill) {
    // The stored counts (serviceRows' cdc_pipelines), summed as the usage
    // the API reports is: the quota and the usage count one way.
    const { cdcPipelines } = await usageOf(tx, change.tenant, change.id);
    const total = cdcPipelines + pipelines.length;
    if (total > quota.cdcPipelines) {
      throw new QuotaExceededError(
        `${change.tenant} would use ${total} of its ${quota.cdcPipelines} CDC pipelines`,
      );
    }
  }
}

/**
 * Refuses a table whose topic another live database of the tenant (a drill's
 * too) writes already.
 */
async function assertTopicsFree(
  tx: Knex.Transaction,
  change: { tenant: string; id?: string; spec: ServiceClaimSpec },
  added: { table: string }[],
): Promise<void> {
  const query = tx<RawServiceRow>('service_instances')
    .where({ tenant: change.tenant })
    .whereNull('deleted_at');
  if (change.id) query.whereNot({ id: change.id });
  const others = (await query.select('name', 'spec')).map(row => ({
    name: row.name,
    spec: JSON.parse(row.spec) as ServiceClaimSpec,
  }));

  const slug = tenantSlug(change.tenant);
  const writers = new Map<string, { database: string; pipeline: string }>();
  for (const other of others) {
    for (const pipeline of pipelinesOf(other.spec)) {
      for (const table of pipeline.tables) {
        writers.set(cdcTopic(other.spec.engine, slug, table), {
          database: other.name,
          pipeline: pipeline.name,
        });
      }
    }
  }
  for (const { table } of added) {
    const topic = cdcTopic(change.spec.engine, slug, table);
    const writer = writers.get(topic);
    if (writer) {
      throw new ConflictError(
        `${table} is already captured by database ${writer.database} of ${change.tenant} (its pipeline ${writer.pipeline}): its topic ${topic} names no database, so one database writes it`,
      );
    }
  }
}
