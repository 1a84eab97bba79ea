/**
 * How long a request to the code host may take: the transaction recording the
 * change stays open meanwhile.
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

/** Opens pull or merge requests on the code host of the GitOps repository. */
export interface PullRequestOpener {
  /** The code host, as people call it: GitHub, GitLab. */
  readonly hostName: string;
  open(proposal: PullRequestProposal): Promise<OpenedPullRequest>;
}
