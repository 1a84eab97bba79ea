import yaml from 'js-yaml';
import type { Pop } from '@internal/backstage-plugin-dbaas-common';
import type { EngineOperatorChart } from './engineOperatorCharts';

/**
 * The chart versions this portal release deploys (`charts/` in its
 * repository; platformLayout.test.ts holds them to the charts' Chart.yaml).
 */
export const OPERATOR_CHART = {
  name: 'serviceclaim-operator',
  version: '0.4.0',
} as const;
export const PORTAL_CHART = { name: 'dbaas-portal', version: '0.2.0' } as const;

/**
 * What of the platform the GitOps layout deploys (`dbaas.gitops.platform`):
 * the ServiceClaim operator on every PoP, the portal on the management
 * cluster and the engine operators on every PoP, as Argo CD Applications of
 * pinned chart versions.
 */
export type PlatformOptions = {
  /**
   * The Helm repository the portal's and the operator's charts are published
   * to, as Argo CD names a Helm source's `repoURL`.
   */
  chartRepository: string;
  operator: {
    /** The chart version; by default {@link OPERATOR_CHART}'s. */
    version: string;
    /** The operator's namespace on each PoP. */
    namespace: string;
    /**
     * Each PoP's backup destination (the chart's `backupDestination`), with
     * `{pop}` standing for the PoP's id; none when unset.
     */
    backupDestination?: string;
  };
  /** The portal on the management cluster (Argo CD's own), unless undefined. */
  portal?: { version: string; namespace: string };
  /** The engine operators' upstream charts, each on every PoP. */
  engineOperators: readonly EngineOperatorChart[];
};

type Layout = {
  repoURL: string;
  branch: string;
  /** The lines Argo CD's generated resources share (gitopsLayout.ts). */
  generatedHeader: string;
  neverPruned: string;
  retryPolicy: (indent: string) => string;
  popSelector: (indent: string) => string;
  /** The go template of the cluster generator's PoP id. */
  popOfCluster: string;
};

/** Where the values of every PoP's operator are: people's. */
const OPERATOR_VALUES = 'platform/serviceclaim-operator/values.yaml';
/** Where the portal writes a PoP's operator values, from its entity. */
export function operatorPopValuesPath(pop: string): string {
  return `platform/serviceclaim-operator/pops/${pop}.yaml`;
}
/** The values of the portal's own chart: people's. */
const PORTAL_VALUES = 'platform/portal/values.yaml';

/** The repositories the platform's Applications take charts from. */
export function platformSourceRepos(platform: PlatformOptions): string[] {
  return [
    ...new Set([
      platform.chartRepository,
      ...platform.engineOperators.map(chart => chart.repoURL),
    ]),
  ];
}

/** A `helm.valuesObject` block at `indent`, or nothing for no values. */
function valuesObject(values: object | undefined, indent: string): string {
  if (!values || Object.keys(values).length === 0) return '';
  const body = yaml
    .dump(values, { lineWidth: 100 })
    .trimEnd()
    .split('\n')
    .map(line => `${indent}  ${line}`)
    .join('\n');
  return `\n${indent}valuesObject:\n${body}`;
}

/**
 * The platform's part of the GitOps layout ({@link PlatformOptions}):
 *
 * - `argocd/platform-operator.yaml` (generated): an ApplicationSet of one
 *   `{pop}-serviceclaim-operator` Application per PoP cluster, the operator
 *   chart with three values files: `platform/serviceclaim-operator/values.yaml`
 *   (people's, every PoP), `platform/serviceclaim-operator/pops/{pop}.yaml`
 *   (generated from the PoP's entity: `pop`, storage class, backup
 *   destination) and `overlays/{pop}/serviceclaim-operator.values.yaml`
 *   (people's, optional).
 * - `argocd/platform-engine-operators.yaml` (generated): per engine operator
 *   an ApplicationSet of `{pop}-{operator}` Applications of its upstream chart.
 * - `argocd/platform-portal.yaml` (generated): the `dbaas-portal`
 *   Application on the management cluster (from an ApplicationSet of one), with `platform/portal/values.yaml`
 *   (people's).
 */
export function platformLayout(
  pops: readonly Pop[],
  platform: PlatformOptions,
  layout: Layout,
) {
  const { repoURL, branch, generatedHeader: GENERATED, neverPruned } = layout;
  const pop = layout.popOfCluster;
  const chartRepository = JSON.stringify(platform.chartRepository);
  const valuesSource = (indent: string) =>
    [`- repoURL: ${repoURL}`, `  targetRevision: ${branch}`, `  ref: values`]
      .map(line => indent + line)
      .join('\n');
  /** An Application's sources: a chart of ours, with values files from this repository. */
  const chartSources = (
    chart: string,
    version: string,
    valueFiles: string[],
    more = '',
  ) => `      sources:
        - repoURL: ${chartRepository}
          chart: ${chart}
          targetRevision: ${JSON.stringify(version)}
          helm:
            releaseName: ${chart}
            valueFiles:
${valueFiles.map(file => `              - '$values/${file}'`).join('\n')}${more}
${valuesSource('        ')}`;
  const automated = (indent: string, options: string[]) =>
    [
      'syncPolicy:',
      '  automated:',
      '    prune: true',
      '    selfHeal: true',
      '  syncOptions:',
      ...options.map(option => `    - ${option}`),
    ]
      .map(line => indent + line)
      .join('\n');
  /** An ApplicationSet of one `{pop}-{suffix}` Application per PoP cluster. */
  const perPop = (
    name: string,
    suffix: string,
    sources: string,
    namespace: string,
    syncOptions: string[],
  ) => `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${name}
  annotations:
${neverPruned}
spec:
  goTemplate: true
  goTemplateOptions: ['missingkey=error']
  generators:
    - clusters:
${layout.popSelector('        ')}
  template:
    metadata:
      name: '${pop}-${suffix}'
      labels:
        dbaas.io/pop: '${pop}'
    spec:
      project: dbaas-platform
${sources}
      destination:
        server: '{{ .server }}'
        namespace: ${namespace}
${automated('      ', syncOptions)}
${layout.retryPolicy('        ')}
`;

  const files = [
    {
      path: 'platform/README.md',
      generated: false,
      content: `# The platform

Argo CD deploys the platform from here, with the charts at the versions the portal pins
in \`argocd/platform-*.yaml\`:

| Path | What it holds | Written by |
| --- | --- | --- |
| \`serviceclaim-operator/values.yaml\` | Values of the ServiceClaim operator chart on every PoP (image, CDC, TLS issuer, …). | people |
| \`serviceclaim-operator/pops/{pop}.yaml\` | Each PoP's own values, from its PoP entity in the portal's catalog (\`pop\`, storage class, backup destination). | the portal |
| \`../overlays/{pop}/serviceclaim-operator.values.yaml\` | Optional: values for one PoP only; they win over both above. | people |
| \`portal/values.yaml\` | Values of the portal's chart on the management cluster (image, Ingress, PostgreSQL, Keycloak, secrets). | people |

Change a PoP's storage class or region by changing its entity: the portal rewrites its file.
`,
    },
    {
      path: OPERATOR_VALUES,
      generated: false,
      content: `# Values of the ServiceClaim operator chart on every PoP
# (charts/serviceclaim-operator/README.md lists them): the image, Kafka Connect
# for CDC, the TLS issuer, … Each PoP's own values (pop, storage class, backup
# destination) are in pops/{pop}.yaml, written by the portal from the PoP's entity.
{}
`,
    },
    ...pops.map(({ id, displayName, storageClass }) => ({
      path: operatorPopValuesPath(id),
      generated: true,
      content: `${GENERATED}# The ServiceClaim operator's values on ${displayName}, from its PoP entity
# (resource:default/${id}): change the entity, not this file.
${yaml.dump(
  {
    pop: id,
    storageClass,
    ...(platform.operator.backupDestination
      ? {
          backupDestination: platform.operator.backupDestination.replaceAll(
            '{pop}',
            id,
          ),
        }
      : {}),
    // argocd/platform-applicationset.yaml syncs the CRD from base/crds.
    crds: { install: false },
  },
  { lineWidth: 100 },
)}`,
    })),
    {
      path: 'argocd/platform-operator.yaml',
      generated: true,
      content: `${GENERATED}# One Application per PoP cluster: the ServiceClaim operator chart
# ${OPERATOR_CHART.name} ${
        platform.operator.version
      }, with platform/serviceclaim-operator/values.yaml,
# the PoP's generated values and its overlay's own, in that order.
${perPop(
  'dbaas-serviceclaim-operator',
  'serviceclaim-operator',
  chartSources(
    OPERATOR_CHART.name,
    platform.operator.version,
    [
      OPERATOR_VALUES,
      operatorPopValuesPath(pop),
      `overlays/${pop}/serviceclaim-operator.values.yaml`,
    ],
    `
            # Only the overlay's file may be missing: without the PoP's own,
            # the chart refuses to render (no pop), which Argo CD shows.
            ignoreMissingValueFiles: true`,
  ),
  platform.operator.namespace,
  ['CreateNamespace=true'],
)}`,
    },
  ];

  if (platform.engineOperators.length > 0) {
    files.push({
      path: 'argocd/platform-engine-operators.yaml',
      generated: true,
      content: `${GENERATED}# The engine operators the ServiceClaim operator renders for, each from its
# upstream chart at the version whose CRDs the portal is built and tested
# against: one ApplicationSet per operator, one Application per PoP cluster.
# Server-side apply: several of their CRDs are too large for a client-side one.
${platform.engineOperators
  .map(
    chart => `---
# ${chart.title} ${chart.operatorVersion}
${perPop(
  `dbaas-engine-${chart.name}`,
  chart.name,
  `      source:
        repoURL: ${JSON.stringify(chart.repoURL)}
${
  chart.chart
    ? `        chart: ${chart.chart}
        targetRevision: ${JSON.stringify(chart.version)}
        helm:
          releaseName: ${chart.name}${valuesObject(chart.values, '          ')}`
    : `        path: ${chart.path}
        targetRevision: ${JSON.stringify(chart.version)}`
}`,
  chart.namespace,
  ['CreateNamespace=true', 'ServerSideApply=true'],
)}`,
  )
  .join('')}`,
    });
  }

  if (platform.portal) {
    files.push(
      {
        path: PORTAL_VALUES,
        generated: false,
        content: `# Values of the portal's chart on the management cluster
# (charts/dbaas-portal/README.md lists them): the image, the Ingress, PostgreSQL,
# Keycloak, the GitOps repository, and the Secrets that hold every credential.
# The chart refuses to render until the required ones are here.
{}
`,
      },
      {
        path: 'argocd/platform-portal.yaml',
        generated: true,
        content: `${GENERATED}# The portal on the management cluster (the one Argo CD runs on): its chart
# ${PORTAL_CHART.name} ${
          platform.portal.version
        } with platform/portal/values.yaml.
# An ApplicationSet of one Application, as argocd/ holds only projects and
# ApplicationSets (bootstrap.yaml); its Application has no resources
# finalizer, so deleting it leaves the portal running.
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: dbaas-portal
  annotations:
${neverPruned}
spec:
  goTemplate: true
  goTemplateOptions: ['missingkey=error']
  generators:
    - list:
        elements:
          - cluster: in-cluster
  template:
    metadata:
      name: dbaas-portal
    spec:
      project: dbaas-platform
${chartSources(PORTAL_CHART.name, platform.portal.version, [PORTAL_VALUES])}
      destination:
        server: https://kubernetes.default.svc
        namespace: ${platform.portal.namespace}
${automated('      ', ['CreateNamespace=true'])}
${layout.retryPolicy('        ')}
`,
      },
    );
  }
  return files;
}
