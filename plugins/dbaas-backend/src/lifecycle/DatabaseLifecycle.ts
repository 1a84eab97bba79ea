import {
  backupRetention,
  engineBackups,
  type Backup,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AuditSubject, AuditTrail } from '../audit/AuditTrail';
import type { BackupStore, RestoreRecord } from '../database/BackupStore';
import type { ServiceRecord, ServiceStore } from '../database/ServiceStore';
import type { TenantCosts } from '../cost/TenantCosts';
import type { ServiceChangeNotifier } from '../notify/ServiceChangeNotifier';
import type {
  HandOver,
  ServiceProvisioner,
} from '../provisioner/ServiceProvisioner';
import type { Caller } from '../router/requestContext';
import { checkTenantSlug } from '../tenancy/tenantSlugs';

/**
 * Who asks, and the request they asked in (for the audit trail); no request
 * when the portal acts on its own (a restore drill).
 */
export type Asker = { req?: Request; caller: Caller };

/**
 * The choreography of every change of a database, in one place: check what
 * can be checked before anything is recorded (the tenant's slug, the claim's
 * place in the GitOps repository), record the change, its audit event and the
 * claim's hand-over in one transaction, then wait briefly for the hand-over
 * and tell the browser and other plugins. Routes parse and authorize; this
 * decides nothing about who may.
 */
export class DatabaseLifecycle {
  constructor(
    private readonly deps: {
      db: Knex;
      services: ServiceStore;
      backups: BackupStore;
      audit: AuditTrail;
      provisioner: ServiceProvisioner;
      notifier: ServiceChangeNotifier;
      /** Tells a tenant whose cost reached a share of its budget. */
      costs?: TenantCosts;
    },
  ) {}

  /** Orders a new database; resolves to it as it is once handed over. */
  async create(
    asker: Asker,
    input: {
      tenant: string;
      organization: string;
      name: string;
      spec: ServiceClaimSpec;
    },
  ): Promise<ServiceRecord> {
    return this.order(asker, input, {
      action: 'service.create',
      details: created => ({
        name: created.name,
        engine: input.spec.engine,
        plan: input.spec.plan,
        region: input.spec.region,
      }),
    });
  }

  /**
   * Checks an order as `create` makes it (the tenant's slug, the claim's
   * place, the platform's limits, a free name, the quota), recording,
   * auditing and committing nothing: the dry run of an order.
   */
  async checkCreate(input: {
    tenant: string;
    name: string;
    spec: ServiceClaimSpec;
  }): Promise<void> {
    await this.checkPlace(input);
    await this.deps.services.checkCreate(input);
  }

  /**
   * Checks a change as `change` makes it (the database's state, the
   * platform's limits, the quota), recording, auditing and committing
   * nothing: the dry run of a change.
   */
  async checkChange(
    record: ServiceRecord,
    spec: ServiceClaimSpec,
  ): Promise<void> {
    await this.deps.services.checkUpdate({ id: record.id, spec });
  }

  /**
   * Restores a backup into a new database of the source's tenant, ordered
   * like any new one (the tenant's quota, the claim's place, GitOps); its
   * claim's `spec.restore` names the backup, and the restore's record, in the
   * same transaction, links the two databases.
   */
  async restore(
    asker: Asker,
    source: ServiceRecord,
    input: {
      name: string;
      spec: ServiceClaimSpec;
      backup: Backup;
      pointInTime?: string;
      /** A restore drill's scratch database: outside the tenant's quota. */
      drill?: boolean;
    },
  ): Promise<{ record: ServiceRecord; restore: RestoreRecord }> {
    const { backups } = this.deps;
    let restore: RestoreRecord | undefined;
    const record = await this.order(
      asker,
      {
        tenant: source.tenant,
        organization: source.organization,
        name: input.name,
        spec: input.spec,
        ...(input.drill ? { drill: true } : {}),
      },
      {
        action: 'service.restore',
        details: created => ({
          name: created.name,
          sourceId: source.id,
          sourceName: source.name,
          backupId: input.backup.id,
          pointInTime: input.pointInTime ?? null,
          drill: Boolean(input.drill),
          engine: input.spec.engine,
          plan: input.spec.plan,
          region: input.spec.region,
        }),
      },
      async (tx, created) => {
        restore = await backups.createRestore(tx, {
          serviceId: source.id,
          backupId: input.backup.id,
          pointInTime: input.pointInTime,
          targetServiceId: created.id,
          createdBy: asker.caller.actor,
        });
      },
    );
    return { record, restore: restore! };
  }

  /**
   * A new database: its record, its audit event, anything else of the same
   * change (`alsoRecord`) and its hand-over in one transaction.
   */
  private async order(
    { req, caller }: Asker,
    input: {
      tenant: string;
      organization: string;
      name: string;
      spec: ServiceClaimSpec;
      drill?: boolean;
    },
    subject: Pick<AuditSubject<ServiceRecord>, 'action' | 'details'>,
    alsoRecord?: (
      tx: Knex.Transaction,
      created: ServiceRecord,
    ) => Promise<void>,
  ): Promise<ServiceRecord> {
    const { services, audit, provisioner } = this.deps;
    let handOver: HandOver;
    const recorded = await audit.record<ServiceRecord>(
      req,
      caller,
      {
        ...subject,
        tenant: input.tenant,
        organization: input.organization,
        resourceType: 'database',
        resourceId: created => created.id,
      },
      async recordAudit => {
        await this.checkPlace(input);
        return services.createService(
          { ...input, createdBy: caller.actor },
          async (tx, inserted) => {
            await alsoRecord?.(tx, inserted);
            await recordAudit(tx, inserted);
            handOver = await provisioner.apply(inserted, tx);
          },
        );
      },
    );
    return this.announce(recorded, handOver, 'created', caller);
  }

  /**
   * Replaces a database's spec at its generation (a config change, a scale,
   * a change of its CDC pipelines); `details` go into the audit event beside
   * the summary.
   */
  async change(
    { req, caller }: Asker,
    record: ServiceRecord,
    input: {
      action: string;
      spec: ServiceClaimSpec;
      summary: string;
      details?: Record<string, unknown>;
    },
  ): Promise<ServiceRecord> {
    const { services, backups, audit, provisioner } = this.deps;
    let handOver: HandOver;
    const retention = backupRetention(input.spec);
    const recorded = await audit.record<ServiceRecord>(
      req,
      caller,
      {
        action: input.action,
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'database',
        resourceId: record.id,
        details: next => ({
          ...input.details,
          change: input.summary,
          generation: next.generation,
        }),
      },
      async recordAudit => {
        await provisioner.checkOwnership(record);
        return services.updateSpec(
          { id: record.id, generation: record.generation, spec: input.spec },
          async (tx, changed) => {
            await recordAudit(tx, changed);
            if (retention !== backupRetention(record.spec)) {
              await backups.retain(tx, record.id, retention);
            }
            handOver = await provisioner.apply(changed, tx);
          },
        );
      },
    );
    return this.announce(recorded, handOver, 'updated', caller);
  }

  /**
   * Decommissions a database: Deleting, its final backup requested when its
   * backups are on (the operator's finalizer takes it before the engine's
   * resources go), its claim removed from the repository.
   */
  async delete(
    { req, caller }: Asker,
    record: ServiceRecord,
  ): Promise<{ record: ServiceRecord; finalBackup: boolean }> {
    const { services, backups, audit, provisioner } = this.deps;
    // Only where the engine takes one (engineBackups): the delete route has
    // asked the caller to accept that none will exist otherwise.
    const finalBackup =
      record.spec.backup.enabled &&
      engineBackups[record.spec.engine].final.available;
    let handOver: HandOver;
    const marked = await audit.record<ServiceRecord>(
      req,
      caller,
      {
        action: 'service.delete',
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'database',
        resourceId: record.id,
        details: () => ({ name: record.name, finalBackup }),
      },
      async recordAudit => {
        await provisioner.checkOwnership(record);
        return services.markDeleting(record.id, async (tx, going) => {
          await recordAudit(tx, going);
          if (finalBackup) {
            const backup = await backups.createBackup(
              {
                serviceId: record.id,
                tenant: record.tenant,
                type: 'final',
                description: 'Final backup before deletion',
                createdBy: caller.actor,
              },
              undefined,
              tx,
            );
            await provisioner.requestBackup(going, backup, tx);
          }
          handOver = await provisioner.remove(going, tx);
        });
      },
    );
    return {
      record: await this.announce(marked, handOver, 'deleted', caller),
      finalBackup,
    };
  }

  /** A backup taken now, counted against the tenant's backup quota. */
  async requestBackup(
    { req, caller }: Asker,
    record: ServiceRecord,
    input: { type: Backup['type']; description?: string },
  ): Promise<Backup> {
    const { backups, audit, provisioner } = this.deps;
    let handOver: HandOver;
    const backup = await audit.record<Backup>(
      req,
      caller,
      {
        action: 'backup.create',
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'backup',
        resourceId: created => created.id,
        details: () => ({ serviceId: record.id, type: input.type }),
      },
      recordAudit =>
        backups.createBackup(
          {
            serviceId: record.id,
            tenant: record.tenant,
            type: input.type,
            description: input.description,
            createdBy: caller.actor,
          },
          async (tx, created) => {
            await recordAudit(tx, created);
            handOver = await provisioner.requestBackup(record, created, tx);
          },
        ),
    );
    await provisioner.handedOver(handOver);
    return backup;
  }

  /** Where a new database's claim goes is free: its tenant's slug, then its file. */
  private async checkPlace(input: {
    tenant: string;
    name: string;
  }): Promise<void> {
    // Whose name the claim's place is, before its file is read.
    await checkTenantSlug(this.deps.db, input.tenant);
    await this.deps.provisioner.checkOwnership(input);
  }

  /**
   * After a change committed: waits a little for its claim to reach the
   * GitOps repository, tells whoever listens (and the tenant, when its cost
   * reached a share of its budget), and resolves to the database as it is
   * then.
   */
  private async announce(
    record: ServiceRecord,
    handOver: HandOver,
    change: 'created' | 'updated' | 'deleted',
    caller: Caller,
  ): Promise<ServiceRecord> {
    const { services, provisioner, notifier, costs } = this.deps;
    let current = record;
    if (handOver) {
      await provisioner.handedOver(handOver);
      current = (await services.getService(record.id)) ?? record;
    }
    await notifier.notify(current, change);
    await costs?.check(caller, current);
    return current;
  }
}
