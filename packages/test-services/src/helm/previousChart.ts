import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../repoRoot';

/** A chart as it was at its previous version: the commit that has it, and that version. */
export type PreviousChart = {
  chartPath: string;
  commit: string;
  version: string;
};

function git(args: string[]) {
  return spawnSync('git', args, {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

function versionAt(ref: string, chartPath: string): string | undefined {
  const shown = git(['show', `${ref}:${chartPath}/Chart.yaml`]);
  if (shown.status !== 0) return undefined;
  return (yaml.load(shown.stdout) as { version?: string }).version;
}

/**
 * Where the git history has the chart at `chartPath` (from the repository's root) as
 * it was at its previous version: the parent of the oldest commit of the working
 * tree's version, or HEAD while that version is not committed yet. The history must
 * reach back to it (not a shallow clone one commit deep); otherwise, why not.
 */
export function findPreviousChart(
  chartPath: string,
): { value: PreviousChart } | { missing: string } {
  const chartFile = path.join(repoRoot, chartPath, 'Chart.yaml');
  const current = (
    yaml.load(fs.readFileSync(chartFile, 'utf8')) as { version: string }
  ).version;
  const log = git(['log', '--format=%H', '--', `${chartPath}/Chart.yaml`]);
  if (log.status !== 0) {
    return { missing: `no git history here: ${log.stderr.trim()}` };
  }
  let ref = 'HEAD';
  for (const commit of log.stdout.split('\n').filter(Boolean)) {
    if (versionAt(commit, chartPath) !== current) break;
    ref = `${commit}^`;
  }
  const version = versionAt(ref, chartPath);
  const commit = git(['rev-parse', '--verify', '--quiet', ref]).stdout.trim();
  if (!version || version === current || !commit) {
    return {
      missing: `the git history has no version of ${chartPath} before ${current} (a shallow clone?)`,
    };
  }
  return { value: { chartPath, commit, version } };
}

/** Extracts that chart (git archive) under `into`; returns the chart's folder. */
export function extractChart(previous: PreviousChart, into: string): string {
  const archive = path.join(into, 'chart.tar');
  for (const [command, args] of [
    [
      'git',
      ['archive', `--output=${archive}`, previous.commit, previous.chartPath],
    ],
    ['tar', ['-xf', archive, '-C', into]],
  ] as const) {
    const result = spawnSync(command, args, {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
    }
  }
  fs.rmSync(archive);
  return path.join(into, previous.chartPath);
}
