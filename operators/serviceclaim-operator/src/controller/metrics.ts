import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

/** How one reconcile ended, the `result` label of `reconcile_total`. */
export type ReconcileResult = 'success' | 'requeue' | 'error';

/** The operator's Prometheus metrics, in their own registry. */
export type OperatorMetrics = {
  registry: Registry;
  reconcileTotal: Counter<'result'>;
  reconcileErrors: Counter<never>;
  reconcileDuration: Histogram<never>;
  workqueueDepth: Gauge<never>;
  leader: Gauge<never>;
};

/**
 * Creates the metrics the operator exports on /metrics. Names follow
 * controller-runtime's (`controller_runtime_reconcile_total`, `workqueue_depth`)
 * without its prefixes, under `serviceclaim_operator_`, so dashboards for other
 * operators read the same way. Node's process metrics keep their own names
 * (`process_resident_memory_bytes`, `nodejs_eventloop_lag_seconds`), which the
 * stock Node.js dashboards query.
 */
export function createOperatorMetrics(
  options: { processMetrics?: boolean } = {},
): OperatorMetrics {
  const registry = new Registry();
  const prefix = 'serviceclaim_operator_';
  if (options.processMetrics ?? true) {
    // RSS, heap and event-loop lag: what a slow reconcile is first checked against.
    collectDefaultMetrics({ register: registry });
  }
  return {
    registry,
    reconcileTotal: new Counter({
      name: `${prefix}reconcile_total`,
      help: 'Reconciles of a ServiceClaim, by how they ended.',
      labelNames: ['result'],
      registers: [registry],
    }),
    reconcileErrors: new Counter({
      name: `${prefix}reconcile_errors_total`,
      help: 'Reconciles that failed and were requeued with backoff.',
      registers: [registry],
    }),
    reconcileDuration: new Histogram({
      name: `${prefix}reconcile_duration_seconds`,
      help: 'Time one reconcile of a ServiceClaim took.',
      // A reconcile is a handful of apiserver round trips; the tail is a slow apiserver.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    workqueueDepth: new Gauge({
      name: `${prefix}workqueue_depth`,
      help: 'ServiceClaims waiting to be reconciled (not counting those in backoff).',
      registers: [registry],
    }),
    leader: new Gauge({
      name: `${prefix}leader`,
      help: '1 while this replica holds the leader Lease, else 0.',
      registers: [registry],
    }),
  };
}
