/**
 * How long one request to the code host may take; the GitOps publisher's
 * deadline (`dbaas.gitops.timeoutSeconds`) bounds a whole write.
 */
export const CODE_HOST_TIMEOUT_MS = 30_000;

/** A change committed on a branch of its own, to be proposed into the base branch. */
export type PullRequestProposal = {
  /** The branch with the change, pushed already. */
  branch: string;
  /** The branch it is proposed into: the one Argo CD syncs. */
  base: string;
  title: string;
  body: string;
};

/** A pull (GitHub) or merge (GitLab) request that was opened. */
export type OpenedPullRequest = {
  /** Its page on the code host. */
  url: string;
  /** Its number in the repository (GitLab's iid). */
  number: number;
};

/** Opens (and closes) pull or merge requests on the code host of the GitOps repository. */
export interface PullRequestOpener {
  /** The code host, as people call it: GitHub, GitLab. */
  readonly hostName: string;
  open(proposal: PullRequestProposal): Promise<OpenedPullRequest>;
  /** The number of a request of this repository, from its page's URL. */
  numberOf(url: string): number | undefined;
  /**
   * Closes a request that is still open, with a comment saying why; false
   * when it is not open any more (merged or closed by people).
   */
  close(number: number, comment: string): Promise<boolean>;
}
