import { InputError } from '@backstage/errors';

/**
 * Checks a proposal's branch name: '/'-separated segments of letters, digits,
 * '.', '_' and '-', none starting with '.' or ending in '.lock', as git's
 * check-ref-format allows. The local transport makes files of the segments, so
 * a name must never climb out of `refs/heads`.
 */
export function assertBranchName(name: string): void {
  const ok =
    /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/.test(
      name,
    ) &&
    !name.includes('..') &&
    !name.split('/').some(segment => segment.endsWith('.lock'));
  if (!ok) {
    throw new InputError(
      `${JSON.stringify(name)} is not a branch name git allows`,
    );
  }
}
