import type { ServiceMetrics } from '../api/serviceResponses';
import { KUBE_SERVICE_ID_LABEL, SERVICE_ID_LABEL } from './serviceIdLabel';

/** The series of `GET /services/{id}/metrics`. @public */
export type MetricName = keyof ServiceMetrics['metrics'];

/** What a query is built from: the database's id and the window of `rate()`, e.g. `2m`. @public */
export type MetricQueryInput = { serviceId: string; rateWindow: string };

// JSON's string escapes are a subset of PromQL's (Go's), so the id is matched as
// written: a quote or backslash in it cannot close the selector.
function promqlString(value: string): string {
  return JSON.stringify(value);
}

// Restricts per-container kubelet series to the database's pods. `max by` keeps
// one row per pod when kube-state-metrics runs more than one replica.
function ofPods(expr: string, serviceId: string): string {
  return (
    `${expr} * on (namespace, pod) group_left () max by (namespace, pod) ` +
    `(kube_pod_labels{${KUBE_SERVICE_ID_LABEL}=${promqlString(serviceId)}})`
  );
}

function ofVolumes(expr: string, serviceId: string): string {
  return (
    `${expr} * on (namespace, persistentvolumeclaim) group_left () ` +
    `max by (namespace, persistentvolumeclaim) ` +
    `(kube_persistentvolumeclaim_labels{${KUBE_SERVICE_ID_LABEL}=${promqlString(
      serviceId,
    )}})`
  );
}

// Drops cAdvisor's pod-level cgroup series (container=""), which would count the
// containers' usage a second time, and the pause container (container="POD" on
// older runtimes).
const CONTAINERS = 'container!="", container!="POD"';

/**
 * One PromQL query per metric, the same for every engine, each summed over the
 * database's pods and volumes into a single series.
 *
 * cpu, memory and disk are read from Kubernetes, not from the engines, because no
 * engine-level series means the same thing across seven engines: the kubelet's
 * cAdvisor (`container_*`) and volume stats (`kubelet_volume_stats_*`), over the
 * limits kube-state-metrics reports (`kube_pod_container_resource_limits`). They are
 * percentages of what the plan grants; a pod without limits has no cpu or memory
 * series, as a percent of no limit means nothing.
 *
 * connections and qps have no common source: each engine's exporter names them
 * differently (CloudNativePG's `cnpg_backends_total`, Dragonfly's
 * `dragonfly_connected_clients`, ...). The ServiceClaim operator's scrape config for
 * each engine maps its native series onto two DBaaS names, so this table needs no
 * per-engine branch:
 * - `dbaas_connections`, gauge: client connections open on a pod;
 * - `dbaas_queries_total`, counter: statements or commands a pod has served.
 *
 * @public
 */
export const metricQueries: Record<
  MetricName,
  (input: MetricQueryInput) => string
> = {
  cpu: ({ serviceId, rateWindow }) =>
    `100 * sum(${ofPods(
      `rate(container_cpu_usage_seconds_total{${CONTAINERS}}[${rateWindow}])`,
      serviceId,
    )}) / sum(${ofPods(
      'kube_pod_container_resource_limits{resource="cpu"}',
      serviceId,
    )})`,
  // The working set is what the kubelet evicts by and `kubectl top` shows; raw
  // usage would count page cache the kernel reclaims before running out.
  memory: ({ serviceId }) =>
    `100 * sum(${ofPods(
      `container_memory_working_set_bytes{${CONTAINERS}}`,
      serviceId,
    )}) / sum(${ofPods(
      'kube_pod_container_resource_limits{resource="memory"}',
      serviceId,
    )})`,
  disk: ({ serviceId }) =>
    `100 * sum(${ofVolumes(
      'kubelet_volume_stats_used_bytes',
      serviceId,
    )}) / sum(${ofVolumes('kubelet_volume_stats_capacity_bytes', serviceId)})`,
  connections: ({ serviceId }) =>
    `sum(dbaas_connections{${SERVICE_ID_LABEL}=${promqlString(serviceId)}})`,
  qps: ({ serviceId, rateWindow }) =>
    `sum(rate(dbaas_queries_total{${SERVICE_ID_LABEL}=${promqlString(
      serviceId,
    )}}[${rateWindow}]))`,
};
