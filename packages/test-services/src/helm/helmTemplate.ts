import { spawnSync } from 'node:child_process';
import yaml from 'js-yaml';
import type { KubernetesObject } from '@kubernetes/client-node';
import { repoRoot } from '../repoRoot';

/** A rendered object, read loosely: tests reach into any kind's spec. */
export type Manifest = KubernetesObject & Record<string, any>;

/** Runs helm from the repository root; the caller reads status, stdout and stderr. */
export function runHelm(helm: string, args: string[]) {
  return spawnSync(helm, args, { encoding: 'utf8', cwd: repoRoot });
}

/** `helm template` with these arguments, as objects; throws with helm's stderr on failure. */
export function helmTemplate(helm: string, args: string[]): Manifest[] {
  const result = runHelm(helm, ['template', ...args]);
  if (result.status !== 0) {
    throw new Error(`helm template failed:\n${result.stderr}`);
  }
  return yaml.loadAll(result.stdout).filter(Boolean) as Manifest[];
}

/** The one object of `kind` (whose name ends with `nameEnding`); fails the test unless exactly one. */
export function onlyManifest(
  manifests: Manifest[],
  kind: string,
  nameEnding = '',
): Manifest {
  const matches = manifests.filter(
    m => m.kind === kind && (m.metadata?.name ?? '').endsWith(nameEnding),
  );
  expect(matches).toHaveLength(1);
  return matches[0];
}
