import { ConflictError } from '@backstage/errors';

/** A proposal's branch is in the repository already: proposed before, by this or another replica. */
export class BranchExistsError extends ConflictError {
  constructor(readonly branch: string) {
    super(`Branch ${branch} exists in the GitOps repository already`);
  }
}
