import type { LoggerService } from '@backstage/backend-plugin-api';
import type { GitOpsAuthor, GitOpsRepository } from './GitOpsRepository';
import type { GitOpsWrite, GitOpsWriter, GitOpsWritten } from './GitOpsWriter';
import type { Pop } from '@internal/backstage-plugin-dbaas-common';
import { layoutForPops } from './layoutForPops';

/**
 * Commits each change to the branch Argo CD syncs (`dbaas.gitops.remote.mode:
 * commit`, the default), after bringing the layout up to date in a commit of
 * its own once per start and whenever the PoPs change.
 */
export class CommitModeWriter implements GitOpsWriter {
  readonly batches = true;
  readonly updateLayout: () => Promise<void>;

  constructor(
    private readonly repository: GitOpsRepository,
    private readonly author: GitOpsAuthor,
    logger: LoggerService,
    listPops: () => Promise<Pop[]>,
  ) {
    this.updateLayout = layoutForPops(
      async pops => {
        const result = await repository.updateLayout(author, pops);
        if (result.committed) {
          logger.info(
            `Brought the GitOps layout up to date in ${
              result.sha
            }: ${result.changed.map(c => `${c.path} ${c.change}`).join(', ')}`,
          );
        }
      },
      listPops,
      logger,
    );
  }

  async write({ changes, message }: GitOpsWrite): Promise<GitOpsWritten> {
    await this.updateLayout();
    const { sha } = await this.repository.commit(changes, message, this.author);
    const commitUrl = this.repository.commitUrl(sha);
    return { sha, ...(commitUrl ? { commitUrl } : {}) };
  }
}
