import {
  NOT_IN_THIS_POP,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { ServiceRecord } from './ServiceStore';

type RawReportRow = {
  service_id: string;
  cluster: string;
  phase: string | null;
  has_share: boolean | number;
  status: string | null;
  reported_at: Date | string;
};

/** One cluster's last report of a database's claim. */
export type ClusterReport = {
  cluster: string;
  phase?: ServiceClaimStatus['phase'];
  /** False where the PoP holds none of the database (its report says nothing). */
  hasShare: boolean;
  status?: ServiceClaimStatus;
};

/**
 * Whether a status speaks for a share of the database in its PoP: the operator
 * of a PoP that holds none reports Pending with every condition's reason
 * {@link NOT_IN_THIS_POP}.
 */
export function reportHasShare(
  status: ServiceClaimStatus | undefined,
): boolean {
  const conditions = status?.conditions ?? [];
  return !(
    conditions.length > 0 && conditions.every(c => c.reason === NOT_IN_THIS_POP)
  );
}

/**
 * The database's phase and the status it shows, from what its clusters report.
 * `expected` are the clusters the portal watches that run a share of it (its
 * regions); until each has reported, it is not Active. A Failed share fails the
 * database; it is Active when every share is. The status shown (connection,
 * conditions) is the primary region's, else the first share's. Undefined phase:
 * nothing with a share has reported yet.
 */
export function combineReports(
  reports: ClusterReport[],
  expected: string[],
  primary: string,
): { phase?: ServiceRecord['status']; status?: ServiceClaimStatus } {
  const shares = reports.filter(r => r.hasShare && r.phase);
  if (shares.length === 0) return {};
  const shown = shares.find(r => r.cluster === primary) ?? shares[0];
  const waiting = expected.some(
    cluster => !reports.some(r => r.cluster === cluster),
  );
  const phases = shares.map(r => r.phase);
  let phase: ServiceRecord['status'];
  if (phases.includes('Failed')) phase = 'Failed';
  else if (!waiting && phases.every(p => p === 'Active')) phase = 'Active';
  else if (phases.some(p => p === 'Provisioning' || p === 'Active'))
    phase = 'Provisioning';
  else phase = 'Pending';
  return { phase, status: shown.status };
}

/**
 * Each cluster's last report of a database's claim (`service_cluster_reports`).
 * Written and read inside the transaction of the report being recorded, so it
 * takes the caller's transaction rather than a client of its own.
 */
export class ClusterReportStore {
  async put(
    tx: Knex.Transaction,
    serviceId: string,
    report: ClusterReport,
    at: Date,
  ): Promise<void> {
    await tx<RawReportRow>('service_cluster_reports')
      .insert({
        service_id: serviceId,
        cluster: report.cluster,
        phase: report.phase ?? null,
        has_share: report.hasShare,
        status: report.status ? JSON.stringify(report.status) : null,
        reported_at: at,
      })
      .onConflict(['service_id', 'cluster'])
      .merge();
  }

  /** Forgets a cluster's report: the claim is gone from it. */
  async remove(
    tx: Knex.Transaction,
    serviceId: string,
    cluster: string,
  ): Promise<void> {
    await tx('service_cluster_reports')
      .where({ service_id: serviceId, cluster })
      .delete();
  }

  async list(
    tx: Knex.Transaction,
    serviceId: string,
  ): Promise<ClusterReport[]> {
    const rows = await tx<RawReportRow>('service_cluster_reports')
      .where({ service_id: serviceId })
      .orderBy('cluster');
    return rows.map(row => ({
      cluster: row.cluster,
      ...(row.phase ? { phase: row.phase as ClusterReport['phase'] } : {}),
      hasShare: Boolean(row.has_share),
      ...(row.status ? { status: JSON.parse(row.status) } : {}),
    }));
  }
}
