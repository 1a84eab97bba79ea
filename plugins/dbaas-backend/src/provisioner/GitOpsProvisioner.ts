import type { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError, toError } from '@backstage/errors';
import {
  claimFilePath,
  claimManifestYaml,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { ServiceRecord } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import type { ServiceProvisioner } from './ServiceProvisioner';

/** What the provisioner needs of the GitOps repository (gitops/GitOpsRepository). */
export type GitOpsWriter = {
  commit(
    changes: { path: string; content: string | null }[],
    message: string,
    author: { name: string; email: string },
  ): Promise<{ sha: string; attempts: number }>;
  commitUrl(sha: string): string | undefined;
};

const AUTHOR = { name: 'DBaaS portal', email: 'dbaas-portal@localhost' };

/**
 * Hands claims to the clusters through the GitOps repository: a create or change
 * commits `tenants/{tenant}/{name}.yaml`, a decommission commits its removal
 * (the operator's finalizer takes the final backup before the engine resources
 * go). Runs inside the transaction that records the change, so a commit that
 * cannot be made undoes the change; the commit, its link and the `committed`
 * step are recorded in that same transaction.
 */
export class GitOpsProvisioner implements ServiceProvisioner {
  constructor(
    private readonly repository: GitOpsWriter,
    private readonly timeline: TimelineStore,
    private readonly logger: LoggerService,
  ) {}

  async apply(claim: ServiceRecord, tx: Knex.Transaction): Promise<void> {
    const verb = claim.generation === 1 ? 'Create' : 'Update';
    await this.commit(
      claim,
      tx,
      claimManifestYaml(claim),
      `${verb} database ${claim.name} of ${claim.tenant} (generation ${claim.generation})`,
    );
  }

  async remove(claim: ServiceRecord, tx: Knex.Transaction): Promise<void> {
    await this.commit(
      claim,
      tx,
      null,
      `Decommission database ${claim.name} of ${claim.tenant}`,
    );
  }

  // Manual backups and restores reach the clusters through the operator's own
  // resources (issue 7); until it exists they are recorded and stay pending.
  async requestBackup(): Promise<void> {}
  async requestRestore(): Promise<void> {}

  private async commit(
    claim: ServiceRecord,
    tx: Knex.Transaction,
    content: string | null,
    message: string,
  ) {
    const path = claimFilePath(claim.tenant, claim.name);
    const { sha } = await this.repository
      .commit(
        [{ path, content }],
        `${message}\n\nService-Id: ${claim.id}`,
        AUTHOR,
      )
      .catch(error => {
        // The caller learns that the change was not made and can retry; the
        // repository's own error (paths, hosts) goes to the log only.
        this.logger.error(`Could not commit ${path}`, toError(error));
        throw new ServiceUnavailableError(
          'The GitOps repository did not take the claim, so the change was not made; try again',
        );
      });
    const commitUrl = this.repository.commitUrl(sha);
    await tx('service_instances')
      .where({ id: claim.id })
      .update({
        gitops_path: path,
        gitops_commit: sha,
        gitops_commit_url: commitUrl ?? null,
      });
    await this.timeline.add(tx, {
      serviceId: claim.id,
      step: 'committed',
      generation: claim.generation,
      detail: content === null ? `removed in ${sha}` : sha,
    });
    // The caller answers with this record: let it show where the claim went.
    claim.gitops = {
      path,
      commitSha: sha,
      ...(commitUrl ? { commitUrl } : {}),
    };
  }
}
