import { claimDiff } from './claimDiff';
import { claimFilePath } from './claimLocation';
import { claimManifestYaml, type ClaimManifestInput } from './claimManifest';

/**
 * A claim file as a change would leave it: its path in the GitOps
 * repository, the file now and after (null: removed), and their diff.
 * @public
 */
export type ClaimChange = {
  path: string;
  before: string;
  after: string | null;
  diff: string;
};

/**
 * What a change does to a database's claim file, both sides rendered by
 * claimManifestYaml, the function the commit writes the file with: the dry
 * run of a change shows exactly what its commit would change.
 * @public
 */
export function claimChange(
  current: ClaimManifestInput,
  next: ClaimManifestInput | null,
): ClaimChange {
  const path = claimFilePath(current.tenant, current.name);
  const before = claimManifestYaml(current);
  const after = next && claimManifestYaml(next);
  return { path, before, after, diff: claimDiff(path, before, after) };
}
