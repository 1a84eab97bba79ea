/**
 * Credentials for git over http(s), asked for at every fetch and push rather
 * than once: a GitHub App's installation tokens expire within the hour.
 */
export type GitAuth = () => Promise<
  { username: string; password: string } | undefined
>;

/** How commits reach the repository and its branches' heads reach the clone. */
export interface Transport {
  /** The git directory to read fetched objects from. */
  readonly objects: string;
  /** Brings a branch's head where `objects` has it: its oid, or undefined if there is no such branch. */
  fetch(branch: string): Promise<string | undefined>;
  /**
   * Moves a branch from `from` to `to`, or creates it when `from` is undefined;
   * false when the branch was not at `from` (someone else moved or made it first).
   */
  push(branch: string, to: string, from: string | undefined): Promise<boolean>;
  /** Deletes a branch if it still is at `at`; false when it has moved or is gone. */
  delete(branch: string, at: string): Promise<boolean>;
}
