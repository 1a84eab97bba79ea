import { InputError } from '@backstage/errors';

/**
 * Why a path is not one a repository file can have, or undefined: relative,
 * '/'-separated, normalized, and never into a `.git` folder.
 */
export function repoPathProblem(p: string): string | undefined {
  if (typeof p !== 'string' || p === '') return 'it is empty';
  if (p.includes('\\')) return 'it contains a backslash';
  if (p.includes('\0')) return 'it contains a NUL character';
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return 'it is absolute';
  const segments = p.split('/');
  if (segments.some(s => s === '' || s === '.' || s === '..')) {
    return 'it is not normalized (empty, "." or ".." segments)';
  }
  if (segments.some(s => s.toLowerCase() === '.git')) {
    return 'it goes into a .git folder';
  }
  return undefined;
}

/**
 * Checks a path the portal may change: only claims, under `tenants/{tenant}/`,
 * whatever the caller built the path from.
 */
export function assertClaimPath(p: string): void {
  const problem =
    repoPathProblem(p) ??
    (p.startsWith('tenants/') && p.split('/').length >= 3
      ? undefined
      : 'it is not under tenants/{tenant}/');
  if (problem) {
    throw new InputError(
      `GitOps path ${JSON.stringify(p)} is not allowed: ${problem}`,
    );
  }
}
