import {
  serviceClaimStatusSchema,
  tenantNamespace,
  type ServiceClaimStatus,
  type TimelineStep,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { recordBackupReports } from './recordBackupReports';
import { toServiceRecord, type RawServiceRow } from './serviceRows';
import type { ServiceRecord } from './ServiceStore';
import type { TimelineStore } from './TimelineStore';

/** What a cluster said about a claim (see status/ClaimWatcher). */
export type ClaimEvent = {
  cluster: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  serviceId: string;
  /** Where the claim is: only its database's namespace and name are believed. */
  namespace: string;
  name: string;
  /** The portal's generation of the claim the cluster has, when it says. */
  portalGeneration?: number;
  status?: ServiceClaimStatus;
  observedAt: Date;
};

const stepOfPhase: Partial<
  Record<ServiceRecord['status'], TimelineStep['step']>
> = {
  Provisioning: 'provisioning',
  Active: 'active',
  Failed: 'failed',
};

/**
 * Turns what the clusters report about claims into the database's status and
 * timeline: first sight in a cluster is `synced`, phase changes are their own
 * steps, the backups it reports update the database's backups (see
 * recordBackupReports), and a claim gone from the cluster while Deleting is the end of the
 * database (its row is kept, marked deleted, and no longer counts in quotas).
 *
 * A claim speaks for a database only from where the portal put it: the
 * namespace of the database's tenant, under the database's name. Anyone who
 * can write a ServiceClaim elsewhere in a cluster can copy a database's
 * `dbaas.io/service-id` label; what such a claim says (status, connection
 * host, backups, its deletion) is ignored.
 */
export class ClaimStatusRecorder {
  constructor(
    private readonly db: Knex,
    private readonly timeline: TimelineStore,
  ) {}

  /**
   * Records the event; resolves to the database as it is now when anything a user
   * would see changed, else undefined.
   */
  async record(event: ClaimEvent): Promise<ServiceRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(event.serviceId)) {
      return undefined;
    }
    const changed = await this.db.transaction(async tx => {
      const row = await tx<RawServiceRow>('service_instances')
        .where({ id: event.serviceId })
        .whereNull('deleted_at')
        .first();
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
        if (row.status !== 'Deleting') {
          return false;
        }
        await tx('service_instances')
          .where({ id: row.id })
          .update({ deleted_at: at, updated_at: at });
        await this.timeline.add(tx, { ...base, step: 'deleted' });
        return true;
      }
      let recorded = false;
      if (
        !(await this.timeline.has(
          tx,
          row.id,
          'synced',
          generation,
          event.cluster,
        ))
      ) {
        await this.timeline.add(tx, { ...base, step: 'synced' });
        recorded = true;
      }
      const status = serviceClaimStatusSchema.safeParse(event.status ?? {});
      if (!status.success || !event.status) {
        return recorded;
      }
      const reported = JSON.stringify(status.data);
      const phase = status.data.phase;
      const updates: Partial<RawServiceRow> = {};
      if (reported !== row.reported_status) {
        updates.reported_status = reported;
      }
      // Deleting is the portal's decision; the cluster cannot take it back.
      if (phase && phase !== row.status && row.status !== 'Deleting') {
        updates.status = phase;
        const step = stepOfPhase[phase];
        if (step) {
          const ready = status.data.conditions?.find(c => c.type === 'Ready');
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
          { id: row.id, tenant: row.tenant },
          status.data.backups,
          { cluster: event.cluster, observedAt: at },
        );
        recorded ||= backups;
      }
      if (Object.keys(updates).length > 0) {
        await tx('service_instances')
          .where({ id: row.id })
          .update({ ...updates, updated_at: at });
        recorded = true;
      }
      return recorded;
    });
    if (!changed) {
      return undefined;
    }
    const row = await this.db<RawServiceRow>('service_instances')
      .where({ id: event.serviceId })
      .first();
    return row ? toServiceRecord(row) : undefined;
  }
}
