/**
 * An engine operator as the platform layout deploys it on every PoP: its
 * upstream Helm chart (or, for an operator without one, its upstream install
 * folder in git) at the version whose CRDs the ServiceClaim operator renders
 * for and is tested against (`../shared/crds/README.md`).
 */
export type EngineOperatorChart = {
  /** The Applications' suffix, `{pop}-{name}`, and the Helm release name. */
  name: string;
  /** What it is, for the generated file's comment. */
  title: string;
  /**
   * Its GitHub repository, as `../shared/crds/README.md` names the release
   * of its CRDs there; none for one whose CRDs are not there.
   */
  upstream?: string;
  /** The operator's own version, the tag its CRDs are pinned at. */
  operatorVersion: string;
  /** The Helm repository, or the git repository of a `path` source. */
  repoURL: string;
  /** The chart in `repoURL` (a Helm source), … */
  chart?: string;
  /** … or the folder in the git repository `repoURL` (a directory source). */
  path?: string;
  /** The chart version, or the git tag of a `path` source. */
  version: string;
  /** The namespace it runs in on each PoP. */
  namespace: string;
  /** Values the layout sets (a Helm source only). */
  values?: Record<string, unknown>;
};

/**
 * The engine operators the ServiceClaim operator renders for, and what they
 * need, each from the upstream chart of the release its CRDs are pinned at.
 * Chart versions are read from each chart's tagged Chart.yaml (and, where
 * upstream publishes one, its repository index). Server-side apply is needed
 * anyway: the CRDs of CloudNativePG, Percona, Scylla and Aerospike exceed
 * client-side apply's 256 KiB annotation.
 *
 * Not here, and installed by the platform team (docs/deploy.md):
 * - the Vitess operator, which has no chart (upstream declined one); its
 *   `deploy/` kustomization names the `latest` image and the namespaces
 *   `default` and `example`, and watches only its own namespace, so it needs
 *   an overlay of the team's own in `overlays/{pop}/`;
 * - the YugabyteDB Anywhere operator, which runs inside YugabyteDB Anywhere
 *   (the `yugaware` chart, with a commercial image pull secret), whose CRDs
 *   that chart does not carry;
 * - the Prometheus Operator, which comes with the cluster's monitoring stack.
 */
export const ENGINE_OPERATOR_CHARTS: readonly EngineOperatorChart[] = [
  {
    name: 'cert-manager',
    title:
      'cert-manager (certificates of the barman-cloud plugin, Scylla and Aerospike webhooks)',
    upstream: 'cert-manager/cert-manager',
    operatorVersion: 'v1.21.1',
    repoURL: 'https://charts.jetstack.io',
    chart: 'cert-manager',
    version: 'v1.21.1',
    namespace: 'cert-manager',
    values: { crds: { enabled: true } },
  },
  {
    name: 'cloudnative-pg',
    title: 'CloudNativePG (PostgreSQL)',
    upstream: 'cloudnative-pg/cloudnative-pg',
    operatorVersion: '1.30.0',
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'cloudnative-pg',
    version: '0.29.0',
    namespace: 'cnpg-system',
  },
  {
    // In the operator's namespace, as the plugin requires.
    name: 'plugin-barman-cloud',
    title:
      "CloudNativePG's barman-cloud plugin (PostgreSQL backups, ObjectStore)",
    operatorVersion: 'v0.13.0',
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'plugin-barman-cloud',
    // The newest chart found (plugin v0.13.0); the service stack's
    // CloudNativePG runs plugin 0.14.0, which no chart was found for.
    version: '0.7.0',
    namespace: 'cnpg-system',
  },
  {
    name: 'psmdb-operator',
    title: 'Percona Operator for MongoDB',
    upstream: 'percona/percona-server-mongodb-operator',
    operatorVersion: '1.22.0',
    repoURL: 'https://percona.github.io/percona-helm-charts/',
    chart: 'psmdb-operator',
    version: '1.22.0',
    namespace: 'psmdb-operator',
    // Claims live in each tenant's namespace, not the operator's.
    values: { watchAllNamespaces: true },
  },
  {
    // The chart works only in this namespace.
    name: 'scylla-operator',
    title: 'Scylla Operator (ScyllaDB)',
    upstream: 'scylladb/scylla-operator',
    operatorVersion: 'v1.21.1',
    repoURL: 'https://scylla-operator-charts.storage.googleapis.com/stable',
    chart: 'scylla-operator',
    version: 'v1.21.1',
    namespace: 'scylla-operator',
  },
  {
    // An OCI Helm repository: Argo CD needs it registered as a Helm
    // repository with OCI enabled (docs/deploy.md).
    name: 'dragonfly-operator',
    title: 'Dragonfly Operator (DragonflyDB)',
    upstream: 'dragonflydb/dragonfly-operator',
    operatorVersion: 'v1.6.1',
    repoURL: 'ghcr.io/dragonflydb/dragonfly-operator/helm',
    chart: 'dragonfly-operator',
    version: 'v1.6.1',
    namespace: 'dragonfly-operator-system',
  },
  {
    name: 'aerospike-kubernetes-operator',
    title: 'Aerospike Kubernetes Operator',
    upstream: 'aerospike/aerospike-kubernetes-operator',
    operatorVersion: 'v4.5.0',
    repoURL: 'https://aerospike.github.io/aerospike-kubernetes-enterprise',
    chart: 'aerospike-kubernetes-operator',
    version: '4.5.0',
    namespace: 'aerospike-operator',
    // Every namespace (its cluster-scoped mode; the chart binds a
    // ClusterRole): claims live in each tenant's namespace.
    values: { watchNamespaces: '' },
  },
];
