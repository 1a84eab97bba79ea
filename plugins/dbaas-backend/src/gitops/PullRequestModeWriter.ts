import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { Pop } from '@internal/backstage-plugin-dbaas-common';
import { BranchExistsError } from './BranchExistsError';
import type { GitOpsAuthor, GitOpsRepository } from './GitOpsRepository';
import type { GitOpsWrite, GitOpsWriter, GitOpsWritten } from './GitOpsWriter';
import { layoutForPops } from './layoutForPops';
import type { OpenedPullRequest, PullRequestOpener } from './PullRequestOpener';

/**
 * Proposes each change as a pull (GitHub) or merge (GitLab) request
 * (`dbaas.gitops.remote.mode: pullRequest`): the change is committed on a
 * branch of its own off the branch Argo CD syncs, the branch is pushed, and a
 * request to merge it is opened. Nothing reaches the clusters until someone
 * merges it.
 *
 * Each change gets a new branch, `{topic}-{random}`: branches are never moved,
 * so concurrent changes (and replicas) cannot reject each other's pushes, and a
 * change made again after a failed attempt never meets that attempt's branch.
 * When the request cannot be opened, the branch is deleted again and the error
 * goes to the caller, so a failed change leaves nothing behind.
 */
export class PullRequestModeWriter implements GitOpsWriter {
  readonly batches = false;
  readonly updateLayout: () => Promise<void>;

  constructor(
    private readonly repository: GitOpsRepository,
    private readonly opener: PullRequestOpener,
    private readonly author: GitOpsAuthor,
    private readonly logger: LoggerService,
    listPops: () => Promise<Pop[]>,
  ) {
    this.updateLayout = layoutForPops(
      pops => this.proposeLayout(pops),
      listPops,
      logger,
    );
  }

  async write({
    changes,
    message,
    topic,
  }: GitOpsWrite): Promise<GitOpsWritten> {
    await this.updateLayout();
    const branch = `${topic}-${randomBytes(4).toString('hex')}`;
    const result = await this.repository.commit(changes, message, this.author, {
      newBranch: branch,
    });
    const commitUrl = this.repository.commitUrl(result.sha);
    const links = commitUrl ? { commitUrl } : {};
    if (!result.committed) {
      // The branch has it already (a decommission of a claim whose own request
      // was never merged, say): there is nothing to propose, and the request
      // still open for this claim is superseded by the publisher.
      this.logger.info(
        `Nothing to propose for ${changes
          .map(change => change.path)
          .join(', ')}: ${this.repository.branch} already is as asked`,
      );
      return { sha: result.sha, ...links };
    }
    const opened = await this.open(branch, result.sha, message);
    return { sha: result.sha, ...links, pullRequestUrl: opened.url };
  }

  async supersede(proposal: string, by: string | undefined): Promise<void> {
    const number = this.opener.numberOf(proposal);
    if (number === undefined) {
      this.logger.warn(
        `Not closing ${proposal}: it is not a request of this repository`,
      );
      return;
    }
    const closed = await this.opener.close(
      number,
      by
        ? `Superseded by ${by}, which proposes this database's claim as it is now. Closed by the DBaaS portal.`
        : `Superseded: ${this.repository.branch} already has this database's claim as it is now. Closed by the DBaaS portal.`,
    );
    if (closed) {
      this.logger.info(
        `Closed ${proposal}${by ? `, superseded by ${by}` : ''}`,
      );
    }
  }

  private async open(
    branch: string,
    sha: string,
    message: string,
  ): Promise<OpenedPullRequest> {
    const [title, ...details] = message.split('\n');
    try {
      return await this.opener.open({
        branch,
        base: this.repository.branch,
        title,
        body: `${details.join('\n').trim()}

Proposed by the DBaaS portal. Merging this applies the change: Argo CD syncs \`${
          this.repository.branch
        }\` to the clusters, and the portal shows the database as synced once a cluster has its claim.`.trim(),
      });
    } catch (error) {
      // Without its request the branch is nobody's: take it back.
      const deleted = await this.repository
        .deleteBranch(branch, sha)
        .catch(deleteError => {
          this.logger.error(
            `Could not delete branch ${branch} after its ${this.opener.hostName} request failed`,
            toError(deleteError),
          );
          return false;
        });
      if (!deleted) {
        this.logger.error(
          `Branch ${branch} is left in the GitOps repository without a request; delete it there`,
        );
      }
      throw error;
    }
  }

  private async proposeLayout(pops: Pop[]): Promise<void> {
    if (!(await this.repository.head())) {
      // A request needs a branch to go into: an empty repository gets its
      // layout committed directly, which starts that branch.
      const result = await this.repository.updateLayout(this.author, pops);
      this.logger.info(`Laid out the GitOps repository in ${result.sha}`);
      return;
    }
    // Named after the layout, so every start and every replica proposing the
    // same layout meets the same branch and opens no second request.
    const branch = `dbaas-layout/${this.repository.layoutDigest(pops)}`;
    try {
      const result = await this.repository.updateLayout(this.author, pops, {
        newBranch: branch,
      });
      if (!result.committed) return;
      const opened = await this.open(
        branch,
        result.sha,
        result.message ?? branch,
      );
      this.logger.info(`Proposed the GitOps layout update: ${opened.url}`);
    } catch (error) {
      if (error instanceof BranchExistsError) {
        this.logger.info(
          `The GitOps layout update is proposed already, on branch ${branch}`,
        );
        return;
      }
      throw error;
    }
  }
}
