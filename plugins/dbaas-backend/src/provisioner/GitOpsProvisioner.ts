import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, toError } from '@backstage/errors';
import {
  claimFilePath,
  claimManifestYaml,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { ServiceRecord } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import type { GitOpsWriter } from '../gitops/GitOpsWriter';
import { PullRequestError } from '../gitops/PullRequestError';
import type { ServiceProvisioner } from './ServiceProvisioner';

export type { GitOpsWriter };

/**
 * Hands claims to the clusters through the GitOps repository: a create or change
 * writes `tenants/{tenant}/{name}.yaml`, a decommission its removal (the
 * operator's finalizer takes the final backup before the engine resources go),
 * committed to the branch Argo CD syncs or proposed as a pull request into it,
 * as the writer is configured.
 *
 * Runs inside the transaction that records the change, as its last step, so a
 * change the repository does not take is undone; the commit, its links and the
 * `committed` step are recorded in that same transaction. In pull request mode
 * `committed` means proposed: the change reaches the clusters when someone
 * merges the request, and the status watch records `synced` when a cluster
 * has the claim.
 */
export class GitOpsProvisioner implements ServiceProvisioner {
  constructor(
    private readonly writer: GitOpsWriter,
    private readonly timeline: TimelineStore,
    private readonly logger: LoggerService,
  ) {}

  async apply(claim: ServiceRecord, tx: Knex.Transaction): Promise<void> {
    const verb = claim.generation === 1 ? 'Create' : 'Update';
    await this.write(
      claim,
      tx,
      claimManifestYaml(claim),
      `${verb} database ${claim.name} of ${claim.tenant} (generation ${claim.generation})`,
      `g${claim.generation}`,
    );
  }

  async remove(claim: ServiceRecord, tx: Knex.Transaction): Promise<void> {
    await this.write(
      claim,
      tx,
      null,
      `Decommission database ${claim.name} of ${claim.tenant}`,
      'decommission',
    );
  }

  // Manual backups and restores reach the clusters through the operator's own
  // resources (issue 7); until it exists they are recorded and stay pending.
  async requestBackup(): Promise<void> {}
  async requestRestore(): Promise<void> {}

  private async write(
    claim: ServiceRecord,
    tx: Knex.Transaction,
    content: string | null,
    message: string,
    step: string,
  ) {
    const path = claimFilePath(claim.tenant, claim.name);
    const tenantFolder = path.split('/')[1];
    const written = await this.writer
      .write({
        change: { path, content },
        message: `${message}\n\nService-Id: ${claim.id}`,
        topic: `dbaas/${tenantFolder}/${claim.name}/${step}`,
      })
      .catch(error => {
        // The caller learns that the change was not made and can retry; the
        // repository's own error (paths, hosts, the code host's answer) goes
        // to the log only.
        this.logger.error(`Could not write ${path}`, toError(error));
        if (error instanceof PullRequestError) {
          throw new ServiceUnavailableError(
            `${error.hostName} did not open the pull request for the claim${
              error.status ? ` (it answered ${error.status})` : ''
            }, so the change was not made; try again`,
          );
        }
        throw new ServiceUnavailableError(
          'The GitOps repository did not take the claim, so the change was not made; try again',
        );
      });
    const { sha, commitUrl, pullRequestUrl } = written;
    await tx('service_instances')
      .where({ id: claim.id })
      .update({
        gitops_path: path,
        gitops_commit: sha,
        gitops_commit_url: commitUrl ?? null,
        gitops_pull_request_url: pullRequestUrl ?? null,
      });
    const commit = content === null ? `removed in ${sha}` : sha;
    await this.timeline.add(tx, {
      serviceId: claim.id,
      step: 'committed',
      generation: claim.generation,
      detail: pullRequestUrl
        ? `${commit}, proposed in ${pullRequestUrl}`
        : commit,
    });
    // The caller answers with this record: let it show where the claim went.
    claim.gitops = {
      path,
      commitSha: sha,
      ...(commitUrl ? { commitUrl } : {}),
      ...(pullRequestUrl ? { pullRequestUrl } : {}),
    };
  }
}
