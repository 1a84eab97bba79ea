import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';

/**
 * A line diff of two claim files in the unified form git shows (`---`/`+++`
 * with `a/` and `b/`, `/dev/null` for a missing side, hunks with three lines
 * of context), with `path` as both file names; empty when they are the same.
 * @public
 */
export function claimDiff(
  path: string,
  before: string | null,
  after: string | null,
): string {
  if (before === after) return '';
  const patch = structuredPatch(
    before === null ? '/dev/null' : `a/${path}`,
    after === null ? '/dev/null' : `b/${path}`,
    before ?? '',
    after ?? '',
    undefined,
    undefined,
    { context: 3 },
  );
  return formatPatch(patch, FILE_HEADERS_ONLY);
}
