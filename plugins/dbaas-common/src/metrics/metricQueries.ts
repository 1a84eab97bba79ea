import type { ServiceMetrics } from '../api/serviceResponses';
import { KUBE_SERVICE_ID_LABEL, SERVICE_ID_LABEL } from './serviceIdLabel';

/** The series of `GET /services/{id}/metrics`. @public */
export type MetricName = keyof ServiceMetrics['metrics'];

/**
 * Whose series a query reads:
 * - one database (`serviceId`), summed into one series: its pods and volumes in
 *   `namespace` when that is given, in any namespace otherwise;
 * - every database of a Kubernetes namespace (a tenant's, see tenantNamespace);
 * - every database of every namespace (`allNamespaces`), for alerts.
 *
 * The last two give one series per database, labelled with its `namespace` and
 * its id in SERVICE_ID_LABEL. The portal's Metrics tab names the database's
 * namespace (its tenant's), so that a pod elsewhere carrying the database's id
 * (copied by hand, say) is not counted as the database's; Grafana's engine
 * dashboards pick a database by its id alone, and cannot.
 * @public
 */
export type MetricScope =
  | { serviceId: string; namespace?: string }
  | { namespace: string }
  | { allNamespaces: true };

/**
 * What a query is built from: whose series, and the window of `rate()`, e.g.
 * `2m`. Grafana's dashboards pass their variables (`$service_id`,
 * `$__rate_interval`) as they are.
 * @public
 */
export type MetricQueryInput = MetricScope & { rateWindow: string };

// JSON's string escapes are a subset of PromQL's (Go's), so the id is matched as
// written: a quote or backslash in it cannot close the selector.
function promqlString(value: string): string {
  return JSON.stringify(value);
}

function isOneDatabase(
  scope: MetricScope,
): scope is { serviceId: string; namespace?: string } {
  return 'serviceId' in scope;
}

// The matchers selecting the scope's series, for a selector's braces, where
// `idLabel` names the database on them: its namespace, if the scope has one,
// and the database's id, or any id.
function scopeSelector(scope: MetricScope, idLabel: string): string {
  const namespace = 'namespace' in scope ? scope.namespace : undefined;
  return [
    ...(namespace === undefined
      ? []
      : [`namespace=${promqlString(namespace)}`]),
    isOneDatabase(scope)
      ? `${idLabel}=${promqlString(scope.serviceId)}`
      : `${idLabel}!=""`,
  ].join(', ');
}

// Restricts a per-pod or per-volume series (`key` is `pod` or
// `persistentvolumeclaim`) to the scope through kube-state-metrics' copy of the
// objects' labels (`labels` is `kube_pod_labels` or
// `kube_persistentvolumeclaim_labels`), joined on the namespace and the name,
// which together name one object. `max by` keeps one row per object when
// kube-state-metrics runs more than one replica; over several databases their
// id is carried over as SERVICE_ID_LABEL, to sum by.
function ofObjects(
  expr: string,
  scope: MetricScope,
  key: string,
  labels: string,
): string {
  const selected = `${labels}{${scopeSelector(scope, KUBE_SERVICE_ID_LABEL)}}`;
  if (isOneDatabase(scope)) {
    return (
      `${expr} * on (namespace, ${key}) group_left () ` +
      `max by (namespace, ${key}) (${selected})`
    );
  }
  return (
    `${expr} * on (namespace, ${key}) group_left (${SERVICE_ID_LABEL}) ` +
    `max by (namespace, ${key}, ${SERVICE_ID_LABEL}) (label_replace(${selected}, ` +
    `"${SERVICE_ID_LABEL}", "$1", "${KUBE_SERVICE_ID_LABEL}", "(.+)"))`
  );
}

function sumOf(expr: string, scope: MetricScope): string {
  return isOneDatabase(scope)
    ? `sum(${expr})`
    : `sum by (namespace, ${SERVICE_ID_LABEL}) (${expr})`;
}

// Each restricts a series to the scope and sums it, into one series or one per
// database.
const scopedSums = {
  // A per-pod series of the kubelet or kube-state-metrics, over the scope's pods.
  pods: (expr: string, scope: MetricScope): string =>
    sumOf(ofObjects(expr, scope, 'pod', 'kube_pod_labels'), scope),
  // A per-volume series of the kubelet, over the scope's PersistentVolumeClaims.
  volumes: (expr: string, scope: MetricScope): string =>
    sumOf(
      ofObjects(
        expr,
        scope,
        'persistentvolumeclaim',
        'kube_persistentvolumeclaim_labels',
      ),
      scope,
    ),
  // A series scraped from the databases' own pods (the PodMonitor's), given as
  // a function of its selector's matchers.
  exporter: (expr: (matchers: string) => string, scope: MetricScope): string =>
    sumOf(expr(scopeMatchers(scope)), scope),
};

/**
 * The matchers that select the scope's series among those scraped from the
 * databases' pods, for a selector's braces: `dbaas_io_service_id="…"` (or
 * `!=""`, over several databases), after `namespace="…"` when the scope has
 * one.
 * @public
 */
export function scopeMatchers(scope: MetricScope): string {
  return scopeSelector(scope, SERVICE_ID_LABEL);
}

// Drops cAdvisor's pod-level cgroup series (container=""), which would count the
// containers' usage a second time, and the pause container (container="POD" on
// older runtimes).
const CONTAINERS = 'container!="", container!="POD"';

/** What resourceQueries measure. @public */
export type ResourceName =
  | 'cpuUsage'
  | 'cpuLimit'
  | 'memoryWorkingSet'
  | 'memoryLimit'
  | 'diskUsed'
  | 'diskCapacity';

/**
 * The usage and the limits that the cpu, memory and disk metrics are the ratio
 * of, in cores and bytes; the dashboards draw them beside the percentages.
 * @public
 */
export const resourceQueries: Record<
  ResourceName,
  (input: MetricQueryInput) => string
> = {
  cpuUsage: input =>
    scopedSums.pods(
      `rate(container_cpu_usage_seconds_total{${CONTAINERS}}[${input.rateWindow}])`,
      input,
    ),
  cpuLimit: input =>
    scopedSums.pods(
      'kube_pod_container_resource_limits{resource="cpu"}',
      input,
    ),
  // The working set is what the kubelet evicts by and `kubectl top` shows; raw
  // usage would count page cache the kernel reclaims before running out.
  memoryWorkingSet: input =>
    scopedSums.pods(`container_memory_working_set_bytes{${CONTAINERS}}`, input),
  memoryLimit: input =>
    scopedSums.pods(
      'kube_pod_container_resource_limits{resource="memory"}',
      input,
    ),
  diskUsed: input =>
    scopedSums.volumes('kubelet_volume_stats_used_bytes', input),
  diskCapacity: input =>
    scopedSums.volumes('kubelet_volume_stats_capacity_bytes', input),
};

/**
 * One PromQL query per metric, the same for every engine, each summed over the
 * database's pods and volumes into a single series (or, over several databases,
 * into one series per database: see MetricScope). The Metrics tab reads them
 * through the backend, the Grafana dashboards shipped with the charts are built
 * from them, and so are the operator chart's cpu and disk alerts.
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
  cpu: input =>
    `100 * ${resourceQueries.cpuUsage(input)} / ${resourceQueries.cpuLimit(
      input,
    )}`,
  memory: input =>
    `100 * ${resourceQueries.memoryWorkingSet(
      input,
    )} / ${resourceQueries.memoryLimit(input)}`,
  disk: input =>
    `100 * ${resourceQueries.diskUsed(input)} / ${resourceQueries.diskCapacity(
      input,
    )}`,
  connections: input =>
    scopedSums.exporter(matchers => `dbaas_connections{${matchers}}`, input),
  qps: input =>
    scopedSums.exporter(
      matchers => `rate(dbaas_queries_total{${matchers}}[${input.rateWindow}])`,
      input,
    ),
};
