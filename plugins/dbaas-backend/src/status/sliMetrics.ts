import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { ENGINE_IDS } from '@internal/backstage-plugin-dbaas-common';
import type { ReportOutcomes } from '../database/ServiceStore';

/**
 * Bucket bounds of provisioning times, in seconds: a shared database is
 * ready in a minute or two, a global one in tens of minutes.
 */
const PROVISIONING_BUCKETS = [
  30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400,
];

/**
 * The provisioning and backup SLIs, as Prometheus names them:
 * `dbaas_provisioning_total{engine, outcome}` (`active`, `failed`),
 * `dbaas_provisioning_duration_seconds{engine}` (ordered to Active) and
 * `dbaas_backups_total{engine, outcome}` (`completed`, `failed`). Fed from
 * the cluster reports the portal records (ReportOutcomes): only the replica
 * that records a change hears it, so replicas never count one twice.
 */
export function sliMetrics(metrics: MetricsService) {
  const provisioned = metrics.createCounter<{
    engine: string;
    outcome: string;
  }>('dbaas.provisioning', {
    description: 'Databases whose provisioning ended, by engine and outcome',
  });
  const provisioningTime = metrics.createHistogram<{ engine: string }>(
    'dbaas.provisioning.duration_seconds',
    {
      description: 'Time from ordering a database to its being Active',
      unit: 's',
      advice: { explicitBucketBoundaries: PROVISIONING_BUCKETS },
    },
  );
  const backups = metrics.createCounter<{ engine: string; outcome: string }>(
    'dbaas.backups',
    { description: 'Backups that ended, by engine and outcome' },
  );
  // Every engine's counters start at 0, so the first failure of a process is
  // an increase an alert sees (a counter first seen at 1 is no increase).
  for (const engine of ENGINE_IDS) {
    for (const outcome of ['active', 'failed']) {
      provisioned.add(0, { engine, outcome });
    }
    for (const outcome of ['completed', 'failed']) {
      backups.add(0, { engine, outcome });
    }
  }
  return (outcomes: ReportOutcomes) => {
    const { engine } = outcomes;
    if (outcomes.provisioned) {
      const { outcome, seconds } = outcomes.provisioned;
      provisioned.add(1, { engine, outcome });
      if (outcome === 'active') provisioningTime.record(seconds, { engine });
    }
    for (const outcome of outcomes.backups) {
      backups.add(1, { engine, outcome });
    }
  };
}
