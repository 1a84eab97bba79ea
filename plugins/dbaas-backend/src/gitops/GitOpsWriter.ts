import type { GitOpsChange } from './GitOpsRepository';

/**
 * Changes of claims to be made in the GitOps repository together: one commit
 * (or one proposal).
 */
export type GitOpsWrite = {
  changes: GitOpsChange[];
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
  /**
   * Whether a write may carry the changes of several databases (one commit);
   * a proposal is reviewed per database, so it carries one database's.
   */
  readonly batches: boolean;
  /**
   * Brings the repository's layout (docs/api.md, "Provisioning through GitOps")
   * up to date, once per start: before the first write, and at the start, so
   * Argo CD can be set up from `argocd/` before the first database is ordered.
   * Never throws: a failure is logged and the next write tries again.
   */
  readonly updateLayout: () => Promise<void>;
  write(write: GitOpsWrite): Promise<GitOpsWritten>;
  /**
   * A proposal that a newer write of the same database replaced: closed, if
   * still open, with a comment naming what replaced it (`by`, or nothing
   * when the branch already is as the newer write asked).
   */
  supersede?(proposal: string, by: string | undefined): Promise<void>;
}
