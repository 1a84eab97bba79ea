import { Gauge, type Registry } from 'prom-client';
import {
  CLAIM_PHASES,
  DBAAS_LABELS,
  SERVICE_ID_LABEL,
} from '@internal/backstage-plugin-dbaas-common';
import type { StoredClaim } from '../reconcile/ClaimApi';

/** The labels every database series carries: which database it is. */
const DATABASE_LABELS = [SERVICE_ID_LABEL, 'namespace', 'claim', 'engine'];

type Labels = Record<string, string>;

/** One sample of a gauge: its own labels (beyond the database's) and value. */
type Sample = { labels?: Labels; value: number };

type DatabaseGauge = {
  name: string;
  help: string;
  /** Labels beyond DATABASE_LABELS. */
  labelNames?: string[];
  samples(claim: StoredClaim): Sample[];
};

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * The per-database gauges, in the manner of kube-state-metrics: each read at
 * scrape time from a claim as the informer holds it, so a claim's series go
 * with the claim, and every replica (the standby too) serves the status the
 * leader wrote.
 */
const GAUGES: DatabaseGauge[] = [
  {
    name: 'dbaas_database_info',
    help: 'A ServiceClaim this operator reconciles, always 1: what to join series by the database id to for its claim and engine.',
    samples: () => [{ value: 1 }],
  },
  {
    // One series per phase, as kube_pod_status_phase: a 0/1 "ready" could not
    // tell a failed database from one being built, or from a PoP that holds
    // none of it (Pending), and Active is already Ready=True (claimStatusFrom).
    name: 'dbaas_database_status_phase',
    help: "The claim's phase as its status reports it: 1 for the current phase, 0 for the others.",
    labelNames: ['phase'],
    samples: claim =>
      CLAIM_PHASES.map(phase => ({
        labels: { phase },
        value: claim.status?.phase === phase ? 1 : 0,
      })),
  },
  {
    name: 'dbaas_database_last_backup_failed',
    help: "1 when the newest of the claim's backups that ended failed, 0 when it completed; absent before one ends.",
    samples: claim => {
      // The status lists them newest first (claimBackups).
      const ended = claim.status?.backups?.find(
        b => b.phase === 'completed' || b.phase === 'failed',
      );
      return ended ? [{ value: ended.phase === 'failed' ? 1 : 0 }] : [];
    },
  },
  {
    // Only while the pipeline runs: a paused or failed one keeps the lag of its
    // last change, which says nothing about now.
    name: 'dbaas_database_cdc_lag_seconds',
    help: "How far the newest change a running CDC pipeline delivered trailed its commit (the CDC tab's lag).",
    labelNames: ['pipeline'],
    samples: claim =>
      (claim.status?.cdc ?? []).flatMap(report =>
        report.state === 'running' && report.measured?.lagMs !== undefined
          ? [
              {
                labels: { pipeline: report.name },
                value: report.measured.lagMs / 1000,
              },
            ]
          : [],
      ),
  },
  {
    // The lag is measured when a change arrives and then kept: with this, a
    // rule tells a pipeline that is behind from one that caught up and went
    // quiet (the change arrived at this time plus the lag).
    name: 'dbaas_database_cdc_last_change_timestamp_seconds',
    help: 'When the newest change a running CDC pipeline delivered was committed, in Unix seconds.',
    labelNames: ['pipeline'],
    samples: claim =>
      (claim.status?.cdc ?? []).flatMap(report =>
        report.state === 'running' && report.measured?.lastChangeAt
          ? [
              {
                labels: { pipeline: report.name },
                value: seconds(report.measured.lastChangeAt),
              },
            ]
          : [],
      ),
  },
];

/** Which database a claim is, as labels; the id is empty on a claim applied without one. */
function databaseLabels(claim: StoredClaim): Labels {
  const engine = (claim.spec as { engine?: unknown } | undefined)?.engine;
  return {
    [SERVICE_ID_LABEL]: claim.metadata.labels?.[DBAAS_LABELS.serviceId] ?? '',
    namespace: claim.metadata.namespace,
    claim: claim.metadata.name,
    engine: typeof engine === 'string' ? engine : '',
  };
}

/**
 * Registers the per-database gauges (GAUGES) on `registry`, read from `claims`
 * at each scrape.
 */
export function registerDatabaseMetrics(
  registry: Registry,
  claims: () => StoredClaim[],
): void {
  for (const gauge of GAUGES) {
    registry.registerMetric(
      new Gauge({
        name: gauge.name,
        help: gauge.help,
        labelNames: [...DATABASE_LABELS, ...(gauge.labelNames ?? [])],
        // Not the global registry: only `registry`.
        registers: [],
        collect() {
          this.reset();
          for (const claim of claims()) {
            const database = databaseLabels(claim);
            for (const { labels, value } of gauge.samples(claim)) {
              this.set({ ...database, ...labels }, value);
            }
          }
        },
      }),
    );
  }
}
