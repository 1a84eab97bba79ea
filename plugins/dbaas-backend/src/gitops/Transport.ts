/** How one commit reaches the repository and the repository's head reaches the clone. */
export interface Transport {
  /** The git directory to read the fetched head's objects from. */
  readonly objects: string;
  /** Brings the branch's head where `objects` has it: its oid, or undefined if there is no branch yet. */
  fetch(): Promise<string | undefined>;
  /** Moves the branch from `from` to `to`; false when someone else moved it first. */
  push(to: string, from: string | undefined): Promise<boolean>;
}
