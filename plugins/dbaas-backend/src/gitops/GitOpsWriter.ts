import type { GitOpsChange } from './GitOpsRepository';

/** One change of a claim, to be made in the GitOps repository. */
export type GitOpsWrite = {
  change: GitOpsChange;
  /** The commit message: a subject line, a blank line, the details. */
  message: string;
  /**
   * Names the change among all others, as a branch name would
   * (`dbaas/{tenant}/{name}/g{generation}`), for a proposal's branch.
   */
  topic: string;
};

/** Where a change went. */
export type GitOpsWritten = {
  /** The commit with the change (on a proposal's branch, in pull request mode). */
  sha: string;
  commitUrl?: string;
  /** The pull or merge request proposing the commit, in pull request mode. */
  pullRequestUrl?: string;
};

/**
 * Makes changes in the GitOps repository as the portal is configured to:
 * committed to the branch Argo CD syncs (`CommitModeWriter`) or proposed as a
 * pull or merge request into it (`PullRequestModeWriter`).
 */
export interface GitOpsWriter {
  write(write: GitOpsWrite): Promise<GitOpsWritten>;
}
