import { spawnSync } from 'node:child_process';
import yaml from 'js-yaml';
import {
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
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

/**
 * What `helm lint --strict` of `chartDir` with `args` finds: its failure, stderr and
 * every WARNING or ERROR line; none when the chart is clean.
 */
export function lintProblems(
  helm: string,
  chartDir: string,
  args: string[],
): string[] {
  const result = runHelm(helm, ['lint', chartDir, '--strict', ...args]);
  return [
    ...(result.status === 0 ? [] : [`helm lint exited ${result.status}`]),
    ...(result.stderr ? [result.stderr] : []),
    ...result.stdout
      .split('\n')
      .filter(line => /\[(WARNING|ERROR)\]/.test(line)),
  ];
}

/**
 * A server-side dry run (`dryRun: All`, server-side apply) of one manifest on a real
 * apiserver: the object it would store, after defaulting and pruning the fields its
 * schema does not know; rejects with its refusal.
 */
export function serverSideDryRun(
  objects: KubernetesObjectApi,
  manifest: Manifest,
): Promise<Manifest> {
  return objects.patch(
    manifest,
    undefined,
    'All',
    'helm-chart-test',
    true,
    PatchStrategy.ServerSideApply,
  );
}

/**
 * Server-side dry runs of every manifest on a real apiserver: what it refuses, as
 * `Kind: reason` lines (none when all pass).
 */
export async function dryRunFailures(
  objects: KubernetesObjectApi,
  manifests: Manifest[],
): Promise<string[]> {
  const failures: string[] = [];
  for (const manifest of manifests) {
    await serverSideDryRun(objects, manifest).catch((error: any) =>
      failures.push(`${manifest.kind}: ${error.body ?? error}`),
    );
  }
  return failures;
}
