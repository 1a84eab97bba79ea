import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitOpsOutboxStore } from '../database/GitOpsOutboxStore';
import type { ServiceStore } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import type { PopDirectory } from '../pops/CatalogPopDirectory';
import { codeHostFromConfig } from '../gitops/codeHostFromConfig';
import { CommitModeWriter } from '../gitops/CommitModeWriter';
import type { ConfirmRemovals } from '../gitops/ConfirmRemovals';
import { GitOpsPublisher } from '../gitops/GitOpsPublisher';
import { GitOpsReconciler } from '../gitops/GitOpsReconciler';
import { GitOpsRepository } from '../gitops/GitOpsRepository';
import type { GitOpsWriter } from '../gitops/GitOpsWriter';
import { PullRequestModeWriter } from '../gitops/PullRequestModeWriter';
import type { GitAuth } from '../gitops/Transport';
import { GitOpsProvisioner } from './GitOpsProvisioner';
import {
  RecordOnlyProvisioner,
  type ServiceProvisioner,
} from './ServiceProvisioner';
import { platformFromConfig } from '../gitops/platformFromConfig';

const AUTHOR = { name: 'DBaaS portal', email: 'dbaas-portal@localhost' };

const MODES = ['commit', 'pullRequest'] as const;

/** The provisioner, and what writes its hand-overs, for the plugin to start and stop. */
export type ConfiguredProvisioner = {
  provisioner: ServiceProvisioner;
  /** Writes the GitOps outbox; absent for the record-only provisioner. */
  publisher?: GitOpsPublisher;
  /** Compares the repository with the databases and repairs it; commit mode only. */
  reconciler?: GitOpsReconciler;
};

/**
 * The GitOps provisioner on the configured repository (`dbaas.gitops.remote`, or
 * the local one of the embedded defaults), committing or proposing changes as
 * `dbaas.gitops.remote.mode` says; else the record-only one.
 *
 * A remote on a host that has a GitHub or GitLab integration
 * (`integrations.github`, `integrations.gitlab`) is reached with the
 * integration's credentials, and pull requests are opened through its API;
 * `dbaas.gitops.remote.token` is only for hosts without one.
 *
 * `confirmRemovals` is given where the portal watches no cluster: a removal
 * committed to the branch then ends its database (GitOpsPublisher).
 */
export async function provisionerFromConfig(options: {
  config: RootConfigService;
  logger: LoggerService;
  timeline: TimelineStore;
  services: ServiceStore;
  outbox: GitOpsOutboxStore;
  /** The PoPs, whose overlays the GitOps layout has. */
  pops: PopDirectory;
  confirmRemovals?: ConfirmRemovals;
  /** Asks Argo CD to refresh after a commit (argocd/ArgoCdRefresher). */
  refresher?: { refresh(tenants: string[], sha?: string): void };
}): Promise<ConfiguredProvisioner> {
  const {
    config,
    logger,
    timeline,
    services,
    outbox,
    confirmRemovals,
    refresher,
  } = options;
  const remote = config.getOptionalConfig('dbaas.gitops.remote');
  const localPath = config.getOptionalString('dbaas.gitops.localPath');
  if (!remote && !localPath) {
    logger.warn(
      'No GitOps repository is configured (dbaas.gitops): databases are recorded and stay pending',
    );
    return { provisioner: new RecordOnlyProvisioner() };
  }
  const url = remote ? remote.getString('url') : path.resolve(localPath!);
  const mode = remote?.getOptionalString('mode') ?? 'commit';
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new Error(
      `dbaas.gitops.remote.mode must be ${MODES.join(' or ')}, not ${mode}`,
    );
  }

  const codeHost = remote ? codeHostFromConfig(config, url) : undefined;
  const token = remote?.getOptionalString('token');
  let auth: GitAuth | undefined;
  if (codeHost?.hasCredentials) {
    if (token) {
      logger.warn(
        `dbaas.gitops.remote.token is not used: the ${codeHost.kind} integration for ${codeHost.host} has credentials, and the portal uses those`,
      );
    }
    auth = codeHost.gitAuth;
  } else if (token) {
    const username =
      remote?.getOptionalString('username') ??
      (decodeURIComponent(new URL(url).username) || 'x-access-token');
    auth = async () => ({ username, password: token });
  }

  // Each replica keeps its own clone, reused across restarts; the remote
  // arbitrates between replicas.
  const workDir = path.join(
    os.tmpdir(),
    'dbaas-gitops',
    createHash('sha256')
      .update(`${os.hostname()}\n${url}`)
      .digest('hex')
      .slice(0, 16),
  );
  await fs.mkdir(workDir, { recursive: true });
  const repository = new GitOpsRepository({
    remote: url,
    auth,
    branch: remote?.getOptionalString('branch'),
    workDir,
    codeHost: codeHost?.kind,
    repoURL: config.getOptionalString('dbaas.gitops.repoURL'),
    platform: platformFromConfig(config),
  });

  const listPops = () => options.pops.listPops();
  let writer: GitOpsWriter;
  if (mode === 'pullRequest') {
    const host = new URL(url).host;
    if (!codeHost) {
      throw new Error(
        `dbaas.gitops.remote.mode pullRequest needs a GitHub or GitLab integration for ${host} (integrations.github or integrations.gitlab)`,
      );
    }
    if (!codeHost.hasCredentials) {
      throw new Error(
        `dbaas.gitops.remote.mode pullRequest needs credentials in the ${codeHost.kind} integration for ${host}`,
      );
    }
    if (typeof codeHost.pullRequests === 'string') {
      throw new Error(
        `dbaas.gitops.remote.mode pullRequest: ${codeHost.pullRequests}`,
      );
    }
    writer = new PullRequestModeWriter(
      repository,
      codeHost.pullRequests,
      AUTHOR,
      logger,
      listPops,
    );
    if (confirmRemovals) {
      logger.warn(
        'No cluster is watched and claims are proposed, not committed: the portal does not see a proposal merged, so a deleted database stays Deleting',
      );
    }
    logger.info(
      `Claims are proposed to ${withoutCredentials(url)} as ${
        codeHost.pullRequests.hostName
      } ${codeHost.kind === 'gitlab' ? 'merge' : 'pull'} requests into ${
        repository.branch
      }`,
    );
  } else {
    if (confirmRemovals) {
      logger.info(
        'No cluster is watched: a deleted database ends when the removal of its claim is committed',
      );
    }
    writer = new CommitModeWriter(repository, AUTHOR, logger, listPops);
    logger.info(
      `Claims are committed to ${withoutCredentials(url)}, branch ${
        repository.branch
      }`,
    );
  }
  const publisher = new GitOpsPublisher({
    writer,
    outbox,
    services,
    timeline,
    logger,
    timeoutMs:
      (config.getOptionalNumber('dbaas.gitops.timeoutSeconds') ?? 60) * 1000,
    ...(confirmRemovals ? { confirmRemovals } : {}),
    // A proposal reaches the synced branch when people merge it, which the
    // portal does not learn: there the code host's webhook to Argo CD is the
    // way (docs/api.md, "Provisioning through GitOps").
    ...(refresher && mode === 'commit'
      ? {
          onCommitted: (tenants: string[], sha: string) =>
            refresher.refresh(tenants, sha),
        }
      : {}),
  });
  return {
    provisioner: new GitOpsProvisioner(outbox, services, publisher, repository),
    publisher,
    ...(writer.batches
      ? {
          reconciler: new GitOpsReconciler({
            repository,
            outbox,
            services,
            logger,
            ...(confirmRemovals ? { confirmRemovals } : {}),
          }),
        }
      : {}),
  };
}

/** The URL without user and password, for logs. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
