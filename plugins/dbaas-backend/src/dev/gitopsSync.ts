/*
 * DEVELOPMENT STAND-IN FOR ARGO CD. In a real installation Argo CD syncs the GitOps
 * repository into each cluster and the portal never writes to a cluster. The
 * embedded defaults and the integration tests have no Argo CD, so this applies the
 * repository's tenant manifests itself, close enough to what Argo CD does (server-side
 * apply, prune) for the portal's status loop to be exercised end to end. It is not
 * meant to run against a production cluster.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import git from 'isomorphic-git';

/** The field manager the stand-in applies as. */
export const GITOPS_SYNC_FIELD_MANAGER = 'dbaas-gitops-sync';

/**
 * Set on every claim the stand-in applies, to the repository's path: like Argo
 * CD's tracking id, it scopes pruning to the claims of this repository, so two
 * repositories synced into one cluster (two dev backends, parallel test suites)
 * never prune each other's claims.
 */
export const GITOPS_SYNC_SOURCE_ANNOTATION = 'dbaas.io/gitops-sync-source';

/**
 * The label on claims the portal wrote. Only claims carrying it are ever pruned,
 * so claims someone applied by hand survive a sync.
 */
export const MANAGED_BY_PORTAL_LABEL = {
  key: 'app.kubernetes.io/managed-by',
  value: 'dbaas-portal',
} as const;

/** What one sync did. */
export type GitOpsSyncCounts = {
  /** The commit synced; undefined when the branch has none yet. */
  commit?: string;
  /** ServiceClaims applied (created or updated). */
  applied: number;
  /** ServiceClaims deleted because the repository no longer has them. */
  pruned: number;
  namespacesCreated: number;
  /** Documents that are not ServiceClaims, or are in the wrong place. */
  skipped: number;
  /** Documents that did not parse, or that the apiserver refused. */
  failed: number;
};

type DesiredClaim = KubernetesObject & {
  metadata: { name: string; namespace: string };
};

/**
 * DEVELOPMENT ONLY, a stand-in for Argo CD: makes a cluster's ServiceClaims what
 * the head of the repository's `main` branch says. Reads `tenants/{tenant}/*.yaml`
 * straight from the bare repository's objects (no checkout), creates each missing
 * `tenant-{tenant}` namespace, server-side applies every ServiceClaim as
 * {@link GITOPS_SYNC_FIELD_MANAGER} (forcing, as Argo CD's ServerSideApply does),
 * and deletes the portal's claims ({@link MANAGED_BY_PORTAL_LABEL}) in `tenant-*`
 * namespaces that were applied from this repository but that it no longer has.
 * Throws when the repository or the cluster cannot be read; a claim the apiserver
 * refuses is logged and counted as failed.
 *
 * When a manifest cannot be read, nothing is pruned that round: a claim must not
 * be deleted because its file is broken.
 */
export async function syncGitOpsToCluster(options: {
  /** A local bare git repository, as `dbaas.gitops.localPath` makes. */
  repositoryPath: string;
  kubeConfig: KubeConfig;
  logger: LoggerService;
}): Promise<GitOpsSyncCounts> {
  const { repositoryPath: gitdir, kubeConfig, logger } = options;
  const source = path.resolve(gitdir);
  const counts: GitOpsSyncCounts = {
    applied: 0,
    pruned: 0,
    namespacesCreated: 0,
    skipped: 0,
    failed: 0,
  };
  let commit: string;
  try {
    commit = await git.resolveRef({ fs, gitdir, ref: 'refs/heads/main' });
  } catch (error: any) {
    if (error?.code !== 'NotFoundError') throw error;
    // A new repository: no claim was ever committed, so there is nothing to sync
    // and, as Argo CD would, nothing is deleted either.
    logger.debug(`GitOps sync: ${gitdir} has no commit on main yet`);
    return counts;
  }
  counts.commit = commit;

  const read = await readTenantClaims(gitdir, commit, logger);
  counts.skipped = read.skipped;
  counts.failed = read.unreadable;

  const core = kubeConfig.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const customObjects = kubeConfig.makeApiClient(CustomObjectsApi);

  for (const namespace of new Set(read.claims.map(c => c.metadata.namespace))) {
    if (await ensureNamespace(core, namespace)) counts.namespacesCreated += 1;
  }
  for (const claim of read.claims) {
    try {
      await objects.patch(
        {
          ...claim,
          metadata: {
            ...claim.metadata,
            annotations: {
              ...claim.metadata.annotations,
              [GITOPS_SYNC_SOURCE_ANNOTATION]: source,
            },
          },
        },
        undefined,
        undefined,
        GITOPS_SYNC_FIELD_MANAGER,
        true,
        PatchStrategy.ServerSideApply,
      );
      counts.applied += 1;
    } catch (error) {
      counts.failed += 1;
      logger.warn(
        `GitOps sync: applying ServiceClaim ${claim.metadata.namespace}/${
          claim.metadata.name
        } failed: ${errorSummary(error)}`,
      );
    }
  }

  if (read.unreadable > 0) {
    logger.warn(
      `GitOps sync: ${read.unreadable} manifests at ${commit} could not be read; not pruning this round`,
    );
    return counts;
  }
  const wanted = new Set(
    read.claims.map(c => `${c.metadata.namespace}/${c.metadata.name}`),
  );
  const existing = await customObjects.listCustomObjectForAllNamespaces({
    group: SERVICE_CLAIM_API.group,
    version: SERVICE_CLAIM_API.version,
    plural: SERVICE_CLAIM_API.plural,
    labelSelector: `${MANAGED_BY_PORTAL_LABEL.key}=${MANAGED_BY_PORTAL_LABEL.value}`,
  });
  for (const item of (existing.items ?? []) as KubernetesObject[]) {
    const { namespace = '', name = '' } = item.metadata ?? {};
    const fromHere =
      item.metadata?.annotations?.[GITOPS_SYNC_SOURCE_ANNOTATION] === source;
    if (
      !namespace.startsWith('tenant-') ||
      !fromHere ||
      wanted.has(`${namespace}/${name}`)
    ) {
      continue;
    }
    try {
      await customObjects.deleteNamespacedCustomObject({
        group: SERVICE_CLAIM_API.group,
        version: SERVICE_CLAIM_API.version,
        plural: SERVICE_CLAIM_API.plural,
        namespace,
        name,
      });
      counts.pruned += 1;
    } catch (error: any) {
      if (error?.code === 404) continue;
      counts.failed += 1;
      logger.warn(
        `GitOps sync: pruning ServiceClaim ${namespace}/${name} failed: ${errorSummary(
          error,
        )}`,
      );
    }
  }
  logger.info(
    `GitOps sync of ${commit.slice(0, 7)}: ${counts.applied} applied, ${
      counts.pruned
    } pruned, ${counts.namespacesCreated} namespaces created, ${
      counts.skipped
    } skipped, ${counts.failed} failed`,
  );
  return counts;
}

/** The ServiceClaims under `tenants/` at `commit`, each in its tenant's namespace. */
async function readTenantClaims(
  gitdir: string,
  commit: string,
  logger: LoggerService,
): Promise<{ claims: DesiredClaim[]; skipped: number; unreadable: number }> {
  const claims: DesiredClaim[] = [];
  let skipped = 0;
  let unreadable = 0;
  let tenants;
  try {
    tenants = (
      await git.readTree({ fs, gitdir, oid: commit, filepath: 'tenants' })
    ).tree;
  } catch (error: any) {
    // The last claim's removal may take the folder with it.
    if (error?.code === 'NotFoundError') return { claims, skipped, unreadable };
    throw error;
  }
  for (const tenant of tenants.filter(entry => entry.type === 'tree')) {
    const namespace = `tenant-${tenant.path}`;
    const { tree: files } = await git.readTree({ fs, gitdir, oid: tenant.oid });
    for (const file of files) {
      if (file.type !== 'blob' || !/\.ya?ml$/.test(file.path)) continue;
      const filePath = `tenants/${tenant.path}/${file.path}`;
      let documents: any[];
      try {
        const { blob } = await git.readBlob({ fs, gitdir, oid: file.oid });
        documents = loadAllYaml(Buffer.from(blob).toString('utf8')).filter(
          Boolean,
        );
      } catch (error) {
        unreadable += 1;
        logger.warn(
          `GitOps sync: ${filePath} is not YAML: ${errorSummary(error)}`,
        );
        continue;
      }
      for (const document of documents) {
        const isClaim =
          document.apiVersion ===
            `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}` &&
          document.kind === SERVICE_CLAIM_API.kind;
        if (!isClaim) {
          skipped += 1;
          logger.warn(
            `GitOps sync: ${filePath} holds a ${document.apiVersion} ${document.kind}; only ServiceClaims are synced`,
          );
          continue;
        }
        if (!document.metadata?.name) {
          unreadable += 1;
          logger.warn(
            `GitOps sync: the ServiceClaim in ${filePath} has no name`,
          );
          continue;
        }
        // The folder decides the namespace, as the portal's layout promises.
        const declared = document.metadata.namespace ?? namespace;
        if (declared !== namespace) {
          skipped += 1;
          logger.warn(
            `GitOps sync: ${filePath} declares namespace ${declared}, not ${namespace}; skipped`,
          );
          continue;
        }
        claims.push({
          ...document,
          metadata: { ...document.metadata, namespace },
        });
      }
    }
  }
  return { claims, skipped, unreadable };
}

/** Creates the namespace unless it exists; returns whether it created it. */
async function ensureNamespace(
  core: CoreV1Api,
  name: string,
): Promise<boolean> {
  try {
    await core.readNamespace({ name });
    return false;
  } catch (error: any) {
    if (error?.code !== 404) throw error;
  }
  try {
    await core.createNamespace({ body: { metadata: { name } } });
    return true;
  } catch (error: any) {
    if (error?.code === 409) return false;
    throw error;
  }
}

function errorSummary(error: unknown): string {
  if (error instanceof ApiException) {
    // The apiserver's Status message says which field was refused; the
    // exception's own message is the whole response, headers included.
    let status: { message?: string } | undefined;
    try {
      status =
        typeof error.body === 'string'
          ? JSON.parse(error.body)
          : (error.body as typeof status);
    } catch {
      status = undefined;
    }
    return `HTTP ${error.code}${status?.message ? `: ${status.message}` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
