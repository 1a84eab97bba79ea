/**
 * The Prometheus label naming the database a series belongs to.
 *
 * The ServiceClaim operator puts the Kubernetes label `dbaas.io/service-id` on every
 * pod of a database. Prometheus' pod discovery with the usual
 * `labelmap: __meta_kubernetes_pod_label_(.+)` copies it onto the pod's targets,
 * replacing the characters a label name cannot hold with `_`; hence this name on every
 * series scraped from the database's engine and exporter containers.
 * @public
 */
export const SERVICE_ID_LABEL = 'dbaas_io_service_id';

/**
 * The same Kubernetes label as kube-state-metrics exports it on `kube_pod_labels` and
 * `kube_persistentvolumeclaim_labels`, once its `--metric-labels-allowlist` names
 * `dbaas.io/service-id`. The kubelet's container and volume series are scraped from
 * the node, not from the pod, so they never carry SERVICE_ID_LABEL and are joined to
 * a database through these two series instead.
 * @public
 */
export const KUBE_SERVICE_ID_LABEL = `label_${SERVICE_ID_LABEL}`;
