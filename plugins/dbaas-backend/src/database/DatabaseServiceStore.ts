import type { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  claimFootprint,
  backupRetention,
  claimPhaseOf,
  claimRegions,
  type ClaimFootprint,
  type ListServicesQuery,
  type Page,
  serviceClaimStatusSchema,
  tenantNamespace,
  type TimelineStep,
} from '@internal/backstage-plugin-dbaas-common';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  applyAccessFilter,
  type AccessFilter,
} from '../permissions/accessFilter';
import { PlatformLimits } from '../platform/PlatformLimits';
import { migratedClient } from './migrations';
import { whereAnyOf } from './whereAnyOf';
import {
  assertWithinQuota,
  DEFAULT_TENANT_QUOTA,
  lockQuota,
  quotaUsageOf,
  toQuota,
  toQuotaRow,
  usageOf,
  type RawQuotaRow,
} from './quotas';
import {
  specColumns,
  toServiceRecord,
  type RawServiceRow,
} from './serviceRows';
import { assertCdcAllowed } from './tenantCdcPipelines';
import { recordBackupReports } from './recordBackupReports';
import { TimelineStore } from './TimelineStore';
import {
  ClusterReportStore,
  combineReports,
  reportHasShare,
} from './ClusterReportStore';
import type {
  ClaimEvent,
  DatabaseCommitment,
  InTransaction,
  RegionHoldings,
  ReportOutcomes,
  ServiceRecord,
  ServiceStore,
  SyncFailureReport,
  TenantQuota,
  TenantUsage,
} from './ServiceStore';

export { DEFAULT_TENANT_QUOTA };

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  // PostgreSQL: 23505; SQLite: SQLITE_CONSTRAINT_UNIQUE.
  return (
    e?.code === '23505' || /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}

const noop = async () => {};

const nameTaken = (input: { tenant: string; name: string }) =>
  new ConflictError(
    `A database named "${input.name}" already exists in ${input.tenant}`,
  );

const stepOfPhase: Partial<
  Record<ServiceRecord['status'], TimelineStep['step']>
> = {
  Provisioning: 'provisioning',
  Active: 'active',
  Failed: 'failed',
};

/**
 * ServiceStore on the plugin's database. Every change of a tenant's databases
 * locks the tenant's quota row first, so concurrent requests are checked one
 * after another and can never overrun a quota.
 */
export class DatabaseServiceStore implements ServiceStore {
  static async create(options: {
    database: DatabaseService;
    /** What tenants may ask for; PlatformLimits.defaults() unless given. */
    limits?: PlatformLimits;
  }): Promise<DatabaseServiceStore> {
    const client = await migratedClient(options.database);
    return new DatabaseServiceStore(
      client,
      options.limits ?? PlatformLimits.defaults(),
      await TimelineStore.create(options),
    );
  }

  private readonly defaultQuota: TenantQuota;
  private readonly reports = new ClusterReportStore();

  private constructor(
    private readonly db: Knex,
    private readonly limits: PlatformLimits,
    private readonly timeline: TimelineStore,
  ) {
    this.defaultQuota = limits.defaultQuota;
  }

  async createService(
    input: {
      tenant: string;
      organization: string;
      name: string;
      spec: ServiceRecord['spec'];
      createdBy: string;
      drill?: boolean;
    },
    inTransaction: InTransaction<ServiceRecord> = noop,
  ): Promise<ServiceRecord> {
    this.assertSpecAllowed(input);
    try {
      return await this.db.transaction(async tx => {
        const quota = await lockQuota(tx, input.tenant, this.defaultQuota);
        await this.assertCreatable(tx, input, quota);

        const now = new Date();
        const row: RawServiceRow = {
          id: randomUUID(),
          tenant: input.tenant,
          organization: input.organization,
          name: input.name,
          engine: input.spec.engine,
          plan: input.spec.plan,
          region: input.spec.region,
          sku: input.spec.sku ?? null,
          status: 'Pending',
          ...specColumns(input.spec),
          reported_status: null,
          generation: 1,
          drill: Boolean(input.drill),
          created_by: input.createdBy,
          created_at: now,
          updated_at: now,
          deleted_at: null,
        };
        await tx<RawServiceRow>('service_instances').insert(row);
        const record = toServiceRecord(row);
        await inTransaction(tx, record);
        return record;
      });
    } catch (error) {
      // Two creates of one name that raced past the check meet the unique index.
      if (isUniqueViolation(error)) {
        throw nameTaken(input);
      }
      throw error;
    }
  }

  async checkCreate(input: {
    tenant: string;
    name: string;
    spec: ServiceRecord['spec'];
  }): Promise<void> {
    this.assertSpecAllowed(input);
    // The checks of createService on what is committed now, in a transaction
    // that writes nothing: the quota is read, not locked (locking inserts the
    // tenant's default quota row), and an order racing this one is checked
    // again when it is made.
    await this.db.transaction(
      async tx => {
        const row = await tx<RawQuotaRow>('tenant_quotas')
          .where({ tenant: input.tenant })
          .first();
        const quota = row ? toQuota(row) : { ...this.defaultQuota };
        await this.assertCreatable(tx, input, quota);
      },
      // PostgreSQL refuses any write in it; SQLite has no such mode (and warns).
      { readOnly: this.db.client.config.client === 'pg' },
    );
  }

  private assertSpecAllowed(input: {
    tenant: string;
    spec: ServiceRecord['spec'];
  }) {
    this.limits.assertSpecAllowed({
      tenant: input.tenant,
      spec: input.spec,
      what: 'database request',
    });
  }

  /** What a new database must pass in its tenant: a free name, the quota, its CDC pipelines. */
  private async assertCreatable(
    tx: Knex.Transaction,
    input: {
      tenant: string;
      name: string;
      spec: ServiceRecord['spec'];
      drill?: boolean;
    },
    quota: TenantQuota,
  ): Promise<void> {
    const taken = await tx<RawServiceRow>('service_instances')
      .where({ tenant: input.tenant, name: input.name })
      .whereNull('deleted_at')
      .first('id');
    if (taken) {
      throw nameTaken(input);
    }
    if (!input.drill) {
      const usage = await usageOf(tx, input.tenant);
      assertWithinQuota(input.tenant, quota, usage, claimFootprint(input.spec));
    }
    await assertCdcAllowed(tx, input, quota);
  }

  async getService(
    id: string,
    filter?: AccessFilter,
    options: { includeDeleted?: boolean } = {},
  ): Promise<ServiceRecord | undefined> {
    const query = this.db<RawServiceRow>('service_instances').where({ id });
    if (!options.includeDeleted) query.whereNull('deleted_at');
    await applyAccessFilter(this.db, query, filter);
    const row = await query.first();
    return row ? toServiceRecord(row) : undefined;
  }

  async listServices(
    query: ListServicesQuery,
    filter?: AccessFilter,
  ): Promise<Page<ServiceRecord>> {
    const deleted = query.deleted === 'true';
    const base = this.db<RawServiceRow>('service_instances');
    if (deleted) {
      // Restore drills' scratch databases come and go every week: they are
      // the drills' (GET .../drills), not the team's deleted databases.
      base.whereNotNull('deleted_at').where('drill', false);
    } else {
      base.whereNull('deleted_at');
    }
    for (const column of ['engine', 'plan', 'region', 'tenant'] as const) {
      if (query[column]) {
        base.where(column, query[column]);
      }
    }
    if (query.status) {
      base.where('status', claimPhaseOf(query.status));
    }
    if (query.q) {
      base.where('name', 'like', `%${query.q.replace(/[%_\\]/g, '')}%`);
    }
    await applyAccessFilter(this.db, base, filter);
    const unfiltered =
      !deleted &&
      !filter &&
      !(['engine', 'plan', 'region', 'tenant', 'status', 'q'] as const).some(
        key => query[key],
      );
    // Counting every live row is what made a platform admin's list slow;
    // triggers keep that count (migrations/20261202150000_live_service_count.js).
    const total = unfiltered
      ? this.db('live_service_counts').sum({ total: 'live' })
      : base.clone().count({ total: '*' });
    // The page and the total in one statement: one round trip, not two.
    const rows: (RawServiceRow & { list_total: number | string | null })[] =
      await base
        .clone()
        .select('*', total.clone().as('list_total'))
        .orderBy([
          { column: deleted ? 'deleted_at' : 'created_at', order: 'desc' },
          { column: 'id', order: 'asc' },
        ])
        .offset((query.page - 1) * query.limit)
        .limit(query.limit);
    let counted = rows[0]?.list_total ?? 0;
    // Past the last page there is no row to carry the total.
    if (rows.length === 0 && query.page > 1) {
      [{ total: counted }] = await total;
    }
    return {
      data: rows.map(toServiceRecord),
      pagination: {
        page: query.page,
        limit: query.limit,
        total: Number(counted ?? 0),
      },
    };
  }

  async listTenantsWithServices(filter: AccessFilter): Promise<string[]> {
    const query = this.db<RawServiceRow>('service_instances')
      .distinct('tenant')
      .whereNull('deleted_at');
    await applyAccessFilter(this.db, query, filter);
    const rows: { tenant: string }[] = await query;
    return rows.map(row => row.tenant).sort();
  }

  async checkUpdate(input: {
    id: string;
    spec: ServiceRecord['spec'];
  }): Promise<void> {
    // As checkCreate: updateSpec's checks in a transaction that writes
    // nothing, the quota read rather than locked.
    await this.db.transaction(
      async tx => {
        const current = await this.liveRow(tx, input.id);
        const row = await tx<RawQuotaRow>('tenant_quotas')
          .where({ tenant: current.tenant })
          .first();
        const quota = row ? toQuota(row) : { ...this.defaultQuota };
        await this.assertChangeable(tx, current, input.spec, quota);
      },
      { readOnly: this.db.client.config.client === 'pg' },
    );
  }

  /** What a new spec of a live database must pass: its state, the limits, the quota, its CDC pipelines. */
  private async assertChangeable(
    tx: Knex.Transaction,
    current: RawServiceRow,
    spec: ServiceRecord['spec'],
    quota: TenantQuota,
  ): Promise<void> {
    if (current.status === 'Deleting') {
      throw new ConflictError(`Database ${current.name} is being deleted`);
    }
    const previous = toServiceRecord(current).spec;
    this.limits.assertSpecAllowed({
      tenant: current.tenant,
      spec,
      previous,
      what: 'change',
    });
    const columns = specColumns(spec);
    const growth: ClaimFootprint = {
      instances: 0,
      storageGi: columns.storage_gi - Number(current.storage_gi),
      cpu: columns.cpu - Number(current.cpu),
      memoryGi: columns.memory_gi - Number(current.memory_gi),
    };
    assertWithinQuota(
      current.tenant,
      quota,
      await usageOf(tx, current.tenant),
      growth,
    );
    await assertCdcAllowed(
      tx,
      {
        tenant: current.tenant,
        id: current.id,
        spec,
        previous,
        drill: Boolean(current.drill),
      },
      quota,
    );
  }

  async updateSpec(
    input: { id: string; generation: number; spec: ServiceRecord['spec'] },
    inTransaction: InTransaction<ServiceRecord> = noop,
  ): Promise<ServiceRecord> {
    return this.db.transaction(async tx => {
      const current = await this.liveRow(tx, input.id);
      const quota = await lockQuota(tx, current.tenant, this.defaultQuota);
      await this.assertChangeable(tx, current, input.spec, quota);
      const columns = specColumns(input.spec);
      const changes: Partial<RawServiceRow> = {
        ...columns,
        generation: input.generation + 1,
        updated_at: new Date(),
      };
      // The generation check makes concurrent edits of one database fail loudly
      // instead of one silently undoing the other.
      const updated = await tx<RawServiceRow>('service_instances')
        .where({ id: input.id, generation: input.generation })
        .update(changes);
      if (updated !== 1) {
        throw new ConflictError(
          `Database ${current.name} was changed by another request; fetch it and try again`,
        );
      }
      const record = toServiceRecord({
        ...current,
        ...changes,
      } as RawServiceRow);
      await inTransaction(tx, record);
      return record;
    });
  }

  async markDeleting(
    id: string,
    inTransaction: InTransaction<ServiceRecord> = noop,
  ): Promise<ServiceRecord> {
    return this.db.transaction(async tx => {
      const current = await this.liveRow(tx, id);
      if (current.status === 'Deleting') {
        throw new ConflictError(
          `Database ${current.name} is already being deleted`,
        );
      }
      const changes = { status: 'Deleting' as const, updated_at: new Date() };
      await tx<RawServiceRow>('service_instances')
        .where({ id })
        .update(changes);
      const record = toServiceRecord({ ...current, ...changes });
      await inTransaction(tx, record);
      return record;
    });
  }

  async getQuota(tenant: string): Promise<TenantQuota> {
    const row = await this.db<RawQuotaRow>('tenant_quotas')
      .where({ tenant })
      .first();
    return row ? toQuota(row) : { ...this.defaultQuota };
  }

  async setQuota(
    tenant: string,
    quota: TenantQuota,
    inTransaction: InTransaction<TenantQuota> = noop,
  ): Promise<void> {
    this.limits.assertQuotaAllowed(quota);
    await this.db.transaction(async tx => {
      await tx<RawQuotaRow>('tenant_quotas')
        .insert(toQuotaRow(tenant, quota))
        .onConflict('tenant')
        .merge();
      await inTransaction(tx, quota);
    });
  }

  async getUsage(tenant: string): Promise<TenantUsage> {
    return usageOf(this.db, tenant);
  }

  async listQuotaUsage(
    tenants: string[],
  ): Promise<{ quota: TenantQuota; usage: TenantUsage }[]> {
    return quotaUsageOf(this.db, tenants, this.defaultQuota);
  }

  async listCommitments(tenants: string[]): Promise<DatabaseCommitment[]> {
    if (tenants.length === 0) return [];
    const rows: Pick<
      RawServiceRow,
      'tenant' | 'engine' | 'plan' | 'cpu' | 'memory_gi' | 'storage_gi'
    >[] = await whereAnyOf(
      this.db<RawServiceRow>('service_instances'),
      'tenant',
      tenants,
    )
      .whereNull('deleted_at')
      .where({ drill: false })
      .orderBy('id')
      .select('tenant', 'engine', 'plan', 'cpu', 'memory_gi', 'storage_gi');
    return rows.map(row => ({
      tenant: row.tenant,
      engine: row.engine as DatabaseCommitment['engine'],
      plan: row.plan as DatabaseCommitment['plan'],
      footprint: {
        cpu: Number(row.cpu),
        memoryGi: Number(row.memory_gi),
        storageGi: Number(row.storage_gi),
      },
    }));
  }

  async countLiveByRegion(): Promise<RegionHoldings[]> {
    // The replication regions are in the spec only, so each live database's
    // spec is read; the counts are summed here, not in SQL.
    const rows: Pick<RawServiceRow, 'engine' | 'status' | 'spec'>[] =
      await this.db<RawServiceRow>('service_instances')
        .select('engine', 'status', 'spec')
        .whereNull('deleted_at');
    const counts = new Map<string, RegionHoldings>();
    for (const row of rows) {
      for (const region of claimRegions(JSON.parse(row.spec))) {
        const key = JSON.stringify([region, row.engine, row.status]);
        const held = counts.get(key) ?? {
          region,
          engine: row.engine,
          status: row.status,
          count: 0,
        };
        held.count += 1;
        counts.set(key, held);
      }
    }
    return [...counts.values()];
  }

  async listTroubled(options: {
    stuckBefore: Date;
    limit: number;
  }): Promise<{ records: ServiceRecord[]; total: number }> {
    const troubled = () =>
      this.db<RawServiceRow>('service_instances')
        .whereNull('deleted_at')
        .where(q =>
          q
            .where('status', 'Failed')
            .orWhere(stuck =>
              stuck
                .whereIn('status', ['Pending', 'Provisioning', 'Deleting'])
                .where('updated_at', '<', options.stuckBefore),
            ),
        );
    const [rows, [{ total }]] = await Promise.all([
      troubled()
        .orderBy([{ column: 'updated_at' }, { column: 'id' }])
        .limit(options.limit),
      troubled().count({ total: '*' }),
    ]);
    return { records: rows.map(toServiceRecord), total: Number(total) };
  }

  async getClaimState(
    id: string,
  ): Promise<{ record: ServiceRecord; live: boolean } | undefined> {
    const row = await this.db<RawServiceRow>('service_instances')
      .where({ id })
      .first();
    return row
      ? { record: toServiceRecord(row), live: row.deleted_at === null }
      : undefined;
  }

  async listLive(
    afterId: string | undefined,
    limit: number,
  ): Promise<ServiceRecord[]> {
    const query = this.db<RawServiceRow>('service_instances')
      .whereNull('deleted_at')
      .orderBy('id')
      .limit(limit);
    if (afterId !== undefined) query.where('id', '>', afterId);
    return (await query).map(toServiceRecord);
  }

  async recordCommits(
    commits: { id: string; gitops: NonNullable<ServiceRecord['gitops']> }[],
    inTransaction: (tx: Knex.Transaction) => Promise<void> = noop,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      for (const { id, gitops } of commits) {
        await tx<RawServiceRow>('service_instances')
          .where({ id })
          .update({
            gitops_path: gitops.path,
            gitops_commit: gitops.commitSha,
            gitops_commit_url: gitops.commitUrl ?? null,
            gitops_pull_request_url: gitops.pullRequestUrl ?? null,
          });
      }
      await inTransaction(tx);
    });
  }

  async setBackupRequest(
    tx: Knex.Transaction,
    id: string,
    backupId: string,
  ): Promise<ServiceRecord> {
    return this.setClaimColumns(tx, id, { backup_request: backupId });
  }

  async setPrimaryBackup(
    id: string,
    engineBackupId: string,
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord | undefined> {
    return this.db.transaction(async tx => {
      const row = await tx<RawServiceRow>('service_instances')
        .where({ id })
        .first('primary_backup', 'status', 'deleted_at');
      if (
        !row ||
        row.primary_backup ||
        row.deleted_at !== null ||
        row.status === 'Deleting'
      ) {
        return undefined;
      }
      const record = await this.setClaimColumns(tx, id, {
        primary_backup: engineBackupId,
      });
      await inTransaction?.(tx, record);
      return record;
    });
  }

  /** Sets what the claim's annotations are written from, on a live database. */
  private async setClaimColumns(
    tx: Knex.Transaction,
    id: string,
    columns: Pick<Partial<RawServiceRow>, 'backup_request' | 'primary_backup'>,
  ): Promise<ServiceRecord> {
    // The claim as it is now, not as the request found it: a change committed
    // meanwhile must not be written back to its previous spec.
    const query = tx<RawServiceRow>('service_instances').where({ id }).first();
    const row = await (tx.client.config.client === 'pg'
      ? query.forUpdate()
      : query);
    if (!row || row.deleted_at !== null) {
      throw new NotFoundError(`There is no database ${id}`);
    }
    await tx<RawServiceRow>('service_instances').where({ id }).update(columns);
    return toServiceRecord({ ...row, ...columns });
  }

  /**
   * First sight in a cluster is `synced`, phase changes are their own steps,
   * the backups it reports update the database's backups (see
   * recordBackupReports), and a claim gone from the cluster while Deleting is
   * the end of the database (its row is kept, marked deleted, and no longer
   * counts in quotas). A claim speaks for a database only from the namespace
   * of its tenant, under its name. An event without a cluster can only end a
   * database: where no cluster is watched, the commit of its removal does.
   */
  async recordClusterReport(
    event: ClaimEvent,
    watched: string[] = [],
    outcomes?: (outcomes: ReportOutcomes) => void,
  ): Promise<ServiceRecord | undefined> {
    let heard: ReportOutcomes | undefined;
    const changed = await this.db.transaction(async tx => {
      heard = undefined;
      // Every replica watches the same clusters and hears each change at the
      // same moment: locked, so that the second finds the first's steps
      // recorded instead of recording them again.
      const query = tx<RawServiceRow>('service_instances')
        .where({ id: event.serviceId })
        .whereNull('deleted_at')
        .first();
      const row = await (tx.client.config.client === 'pg'
        ? query.forUpdate()
        : query);
      if (
        !row ||
        event.namespace !== tenantNamespace(row.tenant) ||
        event.name !== row.name
      ) {
        return false;
      }
      const generation = event.portalGeneration ?? Number(row.generation);
      const at = event.observedAt;
      const base = {
        serviceId: row.id,
        generation,
        cluster: event.cluster,
        at,
      };
      if (event.type === 'DELETED') {
        if (event.cluster !== undefined) {
          await this.reports.remove(tx, row.id, event.cluster);
        }
        if (row.status !== 'Deleting') {
          return false;
        }
        // Gone from this cluster; the database is gone once no cluster
        // holds its claim any more (a removal its commit confirms ends it).
        if (
          event.cluster !== undefined &&
          (await this.reports.list(tx, row.id)).length > 0
        ) {
          return false;
        }
        await tx('service_instances')
          .where({ id: row.id })
          .update({ deleted_at: at, updated_at: at });
        await this.timeline.add(tx, {
          ...base,
          step: 'deleted',
          ...(event.detail ? { detail: event.detail } : {}),
        });
        return true;
      }
      if (event.cluster === undefined) {
        return false;
      }
      const cluster = event.cluster;
      let recorded = false;
      if (
        !(await this.timeline.has(tx, row.id, 'synced', generation, cluster))
      ) {
        await this.timeline.add(tx, { ...base, step: 'synced' });
        recorded = true;
      }
      const status = serviceClaimStatusSchema.safeParse(event.status ?? {});
      if (!status.success || !event.status) {
        return recorded;
      }
      await this.reports.put(
        tx,
        row.id,
        {
          cluster,
          phase: status.data.phase,
          hasShare: reportHasShare(status.data),
          status: status.data,
        },
        at,
      );
      const combined = combineReports(
        await this.reports.list(tx, row.id),
        claimRegions(JSON.parse(row.spec)).filter(region =>
          watched.includes(region),
        ),
        row.region,
      );
      const phase = combined.phase;
      const updates: Partial<RawServiceRow> = {};
      const reported = combined.status
        ? JSON.stringify(combined.status)
        : undefined;
      if (reported && reported !== row.reported_status) {
        updates.reported_status = reported;
      }
      // What the report changed or finished, told after the commit.
      const finished: ReportOutcomes = {
        service: { id: row.id, tenant: row.tenant, name: row.name },
        engine: JSON.parse(row.spec).engine,
        backups: [],
      };
      const ready = combined.status?.conditions?.find(c => c.type === 'Ready');
      // Deleting is the portal's decision; the cluster cannot take it back.
      if (phase && phase !== row.status && row.status !== 'Deleting') {
        updates.status = phase;
        finished.phase = {
          from: row.status,
          to: phase,
          ...(ready?.message ? { detail: ready.message } : {}),
        };
        if (
          (phase === 'Active' || phase === 'Failed') &&
          (row.status === 'Pending' || row.status === 'Provisioning')
        ) {
          finished.provisioned = {
            outcome: phase === 'Active' ? 'active' : 'failed',
            seconds: Math.max(
              0,
              (at.getTime() - new Date(row.created_at).getTime()) / 1000,
            ),
          };
        }
        const step = stepOfPhase[phase];
        if (step) {
          await this.timeline.add(tx, {
            ...base,
            step,
            ...(ready?.message ? { detail: ready.message } : {}),
          });
        }
      }
      if (status.data.backups?.length) {
        const backups = await recordBackupReports(
          tx,
          {
            id: row.id,
            tenant: row.tenant,
            retention: backupRetention(JSON.parse(row.spec)),
          },
          status.data.backups,
          { cluster, observedAt: at },
          finished.backups,
        );
        recorded ||= backups;
      }
      if (
        finished.phase ||
        finished.provisioned ||
        finished.backups.length > 0
      ) {
        heard = finished;
      }
      if (Object.keys(updates).length > 0) {
        await tx('service_instances')
          .where({ id: row.id })
          .update({ ...updates, updated_at: at });
        recorded = true;
      }
      return recorded;
    });
    if (heard) outcomes?.(heard);
    if (!changed) {
      return undefined;
    }
    const row = await this.db<RawServiceRow>('service_instances')
      .where({ id: event.serviceId })
      .first();
    return row ? toServiceRecord(row) : undefined;
  }

  async recordSyncFailure(
    failure: SyncFailureReport,
  ): Promise<ServiceRecord[]> {
    const { cluster, message, claims, at } = failure;
    if (claims?.length === 0) return [];
    return this.db.transaction(async tx => {
      const query = tx<RawServiceRow>('service_instances')
        .where({ tenant: failure.tenant })
        .whereNull('deleted_at');
      if (claims) query.whereIn('name', claims);
      const recorded: ServiceRecord[] = [];
      for (const row of await query) {
        if (failure.except?.includes(row.name)) continue;
        const generation = Number(row.generation);
        const concerned =
          claims !== undefined ||
          !(await this.timeline.has(tx, row.id, 'synced', generation, cluster));
        if (
          !concerned ||
          (await this.timeline.has(
            tx,
            row.id,
            'sync-failed',
            generation,
            cluster,
            message,
          ))
        ) {
          continue;
        }
        await this.timeline.add(tx, {
          serviceId: row.id,
          step: 'sync-failed',
          generation,
          cluster,
          detail: message,
          at,
        });
        recorded.push(toServiceRecord(row));
      }
      return recorded;
    });
  }

  private async liveRow(tx: Knex.Transaction, id: string) {
    const row = await tx<RawServiceRow>('service_instances')
      .where({ id })
      .whereNull('deleted_at')
      .first();
    if (!row) {
      throw new NotFoundError(`There is no database ${id}`);
    }
    return row;
  }
}
