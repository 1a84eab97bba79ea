import { claimDiff } from './claimDiff';
import { claimFilePath } from './claimLocation';
import { claimManifestYaml, type ClaimManifestInput } from './claimManifest';

/**
 * A claim file as a change would leave it: its path in the GitOps
 * repository, the file now (null: not there yet, a new database) and after
 * (null: removed), and their diff.
 * @public
 */
export type ClaimFileChange = {
  path: string;
  before: string | null;
  after: string | null;
  diff: string;
};

/**
 * What a change does to a database's claim file, both sides rendered by
 * claimManifestYaml, the function the commit writes the file with: the dry
 * run of a change shows exactly what its commit would change. A new
 * database's claim (`current` null) has no id yet: the order assigns it.
 * @public
 */
export function claimFileChange(
  current: ClaimManifestInput | null,
  next: ClaimManifestInput | null,
): ClaimFileChange {
  const either = current ?? next;
  if (!either) throw new Error('A claim change needs a claim on one side');
  const path = claimFilePath(either.tenant, either.name);
  const before = current && claimManifestYaml(current);
  const after = next && claimManifestYaml(next);
  return { path, before, after, diff: claimDiff(path, before, after) };
}
