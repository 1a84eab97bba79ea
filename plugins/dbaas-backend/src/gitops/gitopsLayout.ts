import yaml from 'js-yaml';
import {
  serviceClaimCrd,
  type ServiceCatalog,
} from '@internal/backstage-plugin-dbaas-common';

/** A file of the GitOps repository, by its path from the repository root. */
export type GitOpsFile = { path: string; content: string };

/** Where the ServiceClaim CRD sits in the repository. */
export const CRD_PATH = 'base/crds/serviceclaims.dbaas.io.yaml';

/**
 * The cluster label that says which PoP an Argo CD cluster is. Clusters are found
 * by this label rather than by URLs in this repository, so adding or moving a
 * PoP's cluster is a change to Argo CD's cluster secret and nothing here.
 */
export const POP_CLUSTER_LABEL = 'dbaas.io/pop';

/**
 * The CRD as the chart ships it (same dump options as the generator in
 * dbaas-common), so the two copies differ only in their header.
 */
export function serviceClaimCrdYaml(): string {
  return `# The ServiceClaim CRD, written by the DBaaS portal from serviceClaimCrd in
# plugins/dbaas-common; the same as charts/serviceclaim-operator/crds.
${yaml.dump(serviceClaimCrd(), { lineWidth: 100, noRefs: true })}`;
}

/**
 * The files of an empty GitOps repository (seed architecture §8.1): the CRD in
 * `base/`, one overlay per PoP of the catalog, `tenants/` for the claims and the
 * Argo CD resources that sync them. `repoURL` is the address Argo CD clones the
 * repository from, which need not be the one the portal pushes to.
 */
export function initialLayout(
  catalog: ServiceCatalog,
  options: { repoURL: string; branch?: string },
): GitOpsFile[] {
  const repoURL = JSON.stringify(options.repoURL);
  const branch = JSON.stringify(options.branch ?? 'main');
  const pops = catalog.regions.map(region => region.id);
  // The selector lists the catalog's PoPs so a cluster labelled with a PoP the
  // portal does not offer gets nothing synced to it.
  const popSelector = (indent: string) =>
    [
      'selector:',
      '  matchExpressions:',
      `    - key: ${POP_CLUSTER_LABEL}`,
      '      operator: In',
      '      values:',
      ...pops.map(pop => `        - ${pop}`),
    ]
      .map(line => indent + line)
      .join('\n');
  const pop = `{{ index .metadata.labels "${POP_CLUSTER_LABEL}" }}`;

  return [
    {
      path: 'README.md',
      content: `# DBaaS GitOps repository

Argo CD syncs this repository to the cluster of every point of presence (PoP).
The DBaaS portal writes \`tenants/\`; people write the rest.

| Path | What it holds | Written by |
| --- | --- | --- |
| \`base/\` | What every PoP cluster runs: the ServiceClaim CRD (\`base/crds/\`). | the portal lays it out, people extend it |
| \`overlays/{pop}/\` | One folder per PoP (${pops.join(
        ', ',
      )}): \`base/\` plus that PoP's patches. | people |
| \`tenants/{tenant}/{database}.yaml\` | One ServiceClaim per database, in namespace \`tenant-{tenant}\`. | the portal only |
| \`argocd/\` | The Argo CD project and ApplicationSets that sync the above. | people |

Each PoP cluster is registered in Argo CD with the label \`${POP_CLUSTER_LABEL}: {pop}\`;
\`argocd/\` finds clusters by that label, so no cluster address is written here.
See \`argocd/README.md\` for the one-time setup.
`,
    },
    {
      path: 'base/kustomization.yaml',
      content: `# What every PoP cluster runs; overlays/{pop} builds on this.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - crds/serviceclaims.dbaas.io.yaml
`,
    },
    { path: CRD_PATH, content: serviceClaimCrdYaml() },
    ...catalog.regions.map(region => ({
      path: `overlays/${region.id}/kustomization.yaml`,
      content: `# ${region.displayName} (${region.country}): synced to the Argo CD cluster labelled
# ${POP_CLUSTER_LABEL}: ${region.id} by argocd/platform-applicationset.yaml.
# Patches that only this PoP needs (storage classes, operator sizes) go here.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
`,
    })),
    {
      path: 'tenants/README.md',
      content: `# Tenants

Written by the DBaaS portal; edit databases in the portal, not here.

\`tenants/{tenant}/{database}.yaml\` is the ServiceClaim of one database. Argo CD syncs
each tenant's folder into namespace \`tenant-{tenant}\` of every PoP cluster, and the
ServiceClaim operator of a PoP builds the databases whose region or replication
regions name that PoP.

Deleting a file decommissions its database: Argo CD prunes the ServiceClaim.
`,
    },
    {
      path: 'argocd/README.md',
      content: `# Argo CD

One-time setup, on the cluster that runs Argo CD:

1. Register each PoP cluster with the label \`${POP_CLUSTER_LABEL}: {pop}\`, e.g.
   \`argocd cluster add <context> --name lagos --label ${POP_CLUSTER_LABEL}=lagos\`.
2. \`kubectl apply -k argocd/\`

- \`project.yaml\`: the \`dbaas-tenants\` project. Tenant folders may only hold ServiceClaims,
  and only into \`tenant-*\` namespaces.
- \`platform-applicationset.yaml\`: one Application per PoP, \`{pop}-platform\`, syncing
  \`overlays/{pop}\`.
- \`applicationset.yaml\`: one Application per PoP and tenant, \`{pop}-{tenant}\`, syncing
  \`tenants/{tenant}\` into namespace \`tenant-{tenant}\`.
`,
    },
    {
      path: 'argocd/kustomization.yaml',
      content: `# Applied once by hand (see README.md). ApplicationSets and projects live in
# Argo CD's own namespace; change it here if Argo CD runs elsewhere.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: argocd
resources:
  - project.yaml
  - platform-applicationset.yaml
  - applicationset.yaml
`,
    },
    {
      path: 'argocd/project.yaml',
      content: `# The portal writes tenants/ on behalf of tenants, so their Applications may
# create nothing but ServiceClaims (and the namespaces they go in): a file that
# slipped in with any other kind fails to sync instead of reaching a cluster.
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: dbaas-tenants
spec:
  description: Databases of DBaaS tenants, written by the portal
  sourceRepos:
    - ${repoURL}
  destinations:
    - server: '*'
      namespace: tenant-*
  clusterResourceWhitelist:
    - group: ''
      kind: Namespace
  namespaceResourceWhitelist:
    - group: dbaas.io
      kind: ServiceClaim
`,
    },
    {
      path: 'argocd/platform-applicationset.yaml',
      content: `# One Application per PoP cluster, syncing overlays/{pop}: the CRD and whatever
# else the PoP runs, so it is there before tenants' claims arrive.
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: dbaas-platform
spec:
  goTemplate: true
  goTemplateOptions: ['missingkey=error']
  generators:
    - clusters:
${popSelector('        ')}
  template:
    metadata:
      name: '${pop}-platform'
    spec:
      project: default
      source:
        repoURL: ${repoURL}
        targetRevision: ${branch}
        path: 'overlays/${pop}'
      destination:
        server: '{{ .server }}'
      syncPolicy:
        automated:
          prune: true
          selfHeal: true
`,
    },
    {
      path: 'argocd/applicationset.yaml',
      content: `# One Application per PoP x tenant, named {pop}-{tenant}.
#
# PoPs come from the clusters generator: Argo CD's own cluster secrets, selected by
# the ${POP_CLUSTER_LABEL} label, give each cluster's address, so none is written
# here and a PoP whose cluster is not registered yet simply gets no Applications.
# Tenants come from the git directories generator: a folder under tenants/ is a
# tenant, and appears once the portal commits its first database.
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: dbaas-tenants
spec:
  goTemplate: true
  goTemplateOptions: ['missingkey=error']
  generators:
    - matrix:
        generators:
          - clusters:
${popSelector('              ')}
          - git:
              repoURL: ${repoURL}
              revision: ${branch}
              directories:
                - path: tenants/*
  template:
    metadata:
      name: '${pop}-{{ .path.basename }}'
      labels:
        ${POP_CLUSTER_LABEL}: '${pop}'
        dbaas.io/tenant: '{{ .path.basename }}'
      # When a tenant's last database is deleted its folder disappears with it,
      # and so does this Application; the finalizer makes that delete the last
      # ServiceClaim too instead of orphaning it on the cluster.
      finalizers:
        - resources-finalizer.argocd.argoproj.io
    spec:
      project: dbaas-tenants
      source:
        repoURL: ${repoURL}
        targetRevision: ${branch}
        path: '{{ .path.path }}'
      destination:
        server: '{{ .server }}'
        namespace: 'tenant-{{ .path.basename }}'
      syncPolicy:
        # Deleting a claim file decommissions the database; edits made on the
        # cluster are put back.
        automated:
          prune: true
          selfHeal: true
        syncOptions:
          - CreateNamespace=true
        # Automated sync tries a commit once; on a new PoP the CRD may arrive
        # after the claims, so keep retrying until it has.
        retry:
          limit: -1
          backoff:
            duration: 30s
            factor: 2
            maxDuration: 10m
`,
    },
  ];
}
