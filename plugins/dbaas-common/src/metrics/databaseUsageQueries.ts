import { KUBE_SERVICE_ID_LABEL, SERVICE_ID_LABEL } from './serviceIdLabel';

/** The usage figures computed for every database at once. @public */
export type DatabaseUsageName = 'cpu' | 'disk';

/**
 * The owners of pods or volumes: kube-state-metrics' `kube_<object>_labels` of
 * those with a database id, the id renamed to SERVICE_ID_LABEL, one row per
 * object however many kube-state-metrics replicas report it.
 */
function owners(
  series: 'kube_pod_labels' | 'kube_persistentvolumeclaim_labels',
  object: 'pod' | 'persistentvolumeclaim',
): string {
  return (
    `max by (namespace, ${object}, ${SERVICE_ID_LABEL}) (label_replace(` +
    `${series}{${KUBE_SERVICE_ID_LABEL}!=""}, "${SERVICE_ID_LABEL}", "$1", ` +
    `"${KUBE_SERVICE_ID_LABEL}", "(.+)"))`
  );
}

// Joined on the namespace too: a pod elsewhere that carries a database's id
// (copied by hand, say) is not that database's.
function ofEachDatabase(
  expr: string,
  object: 'pod' | 'persistentvolumeclaim',
): string {
  const series =
    object === 'pod' ? 'kube_pod_labels' : 'kube_persistentvolumeclaim_labels';
  return (
    `sum by (namespace, ${SERVICE_ID_LABEL}) (${expr} * on (namespace, ${object}) ` +
    `group_left (${SERVICE_ID_LABEL}) ${owners(series, object)})`
  );
}

// As in metricQueries: no pod-level cgroup series, no pause container.
const CONTAINERS = 'container!="", container!="POD"';

/**
 * The cpu and disk figures of metricQueries for every database at once: one
 * series per database, labelled with its id (SERVICE_ID_LABEL) and namespace,
 * for alerts and overviews. Each is the same ratio the Metrics tab draws for
 * one database (percent of the plan's cpu limit over `rateWindow`; percent of
 * the capacity of its volumes), over the pods and volumes of the database's
 * namespace that carry its id.
 * @public
 */
export const databaseUsageQueries: Record<
  DatabaseUsageName,
  (input: { rateWindow: string }) => string
> = {
  cpu: ({ rateWindow }) =>
    `100 * ${ofEachDatabase(
      `rate(container_cpu_usage_seconds_total{${CONTAINERS}}[${rateWindow}])`,
      'pod',
    )} / ${ofEachDatabase(
      'kube_pod_container_resource_limits{resource="cpu"}',
      'pod',
    )}`,
  disk: () =>
    `100 * ${ofEachDatabase(
      'kubelet_volume_stats_used_bytes',
      'persistentvolumeclaim',
    )} / ${ofEachDatabase(
      'kubelet_volume_stats_capacity_bytes',
      'persistentvolumeclaim',
    )}`,
};
