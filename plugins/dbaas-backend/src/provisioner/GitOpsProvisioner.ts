import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  NotFoundError,
  ServiceUnavailableError,
  toError,
} from '@backstage/errors';
import {
  claimFilePath,
  claimManifestYaml,
  type Backup,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { toServiceRecord, type RawServiceRow } from '../database/serviceRows';
import type { ServiceRecord } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import type { GitOpsWriter } from '../gitops/GitOpsWriter';
import { ClaimOwnershipError } from '../gitops/claimOwnership';
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

  /**
   * A manual backup is committed as the claim again, annotated with the
   * backup's id (`dbaas.io/backup-request`); the operator takes the engine's
   * on-demand backup for an id it has not acted on and reports it back under
   * that id. The id is kept on the database's row, so every later commit of
   * the claim carries it and no apply reads as a withdrawn request.
   *
   * A final backup is not committed: the claim's removal follows in the same
   * transaction, and the operator's finalizer takes the final backup itself.
   */
  async requestBackup(
    claim: ServiceRecord,
    backup: Backup,
    tx: Knex.Transaction,
  ): Promise<void> {
    if (backup.type !== 'manual') return;
    // The claim as it is now, not as the request found it: a change committed
    // meanwhile must not be written back to its previous spec.
    const query = tx<RawServiceRow>('service_instances')
      .where({ id: claim.id })
      .first();
    const row = await (tx.client.config.client === 'pg'
      ? query.forUpdate()
      : query);
    if (!row) {
      throw new NotFoundError(`Database ${claim.name} is gone`);
    }
    await tx('service_instances')
      .where({ id: claim.id })
      .update({ backup_request: backup.id });
    const requested = toServiceRecord({ ...row, backup_request: backup.id });
    await this.write(
      requested,
      tx,
      claimManifestYaml(requested),
      `Back up database ${requested.name} of ${requested.tenant} (backup ${backup.id})`,
      `backup-${backup.id}`,
      `backup ${backup.id} requested`,
    );
  }

  // Restores are recorded and stay pending: nothing hands them to the
  // clusters yet (docs/engines.md in the operator).
  async requestRestore(): Promise<void> {}

  private async write(
    claim: ServiceRecord,
    tx: Knex.Transaction,
    content: string | null,
    message: string,
    step: string,
    /** What the commit is for, when it is not the claim's generation. */
    purpose?: string,
  ) {
    const path = claimFilePath(claim.tenant, claim.name);
    const tenantFolder = path.split('/')[1];
    const written = await this.writer
      .write({
        // Only this database's claim may be changed or removed at its path.
        change: { path, content, owner: claim.id },
        message: `${message}\n\nService-Id: ${claim.id}`,
        topic: `dbaas/${tenantFolder}/${claim.name}/${step}`,
      })
      .catch(error => {
        if (error instanceof ClaimOwnershipError) {
          this.logger.error(
            `Refused to change ${path} for database ${claim.id}: the file holds another database's claim`,
          );
          throw error;
        }
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
    const detail = purpose ? `${purpose} in ${commit}` : commit;
    await this.timeline.add(tx, {
      serviceId: claim.id,
      step: 'committed',
      generation: claim.generation,
      detail: pullRequestUrl
        ? `${detail}, proposed in ${pullRequestUrl}`
        : detail,
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
