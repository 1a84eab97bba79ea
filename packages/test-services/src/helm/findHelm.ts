import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { repoRoot } from '../repoRoot';

/**
 * The helm binary: DBAAS_HELM (scripts/test.sh sets it after ensure_helm), else the
 * one ensure_helm built earlier into the cache, else an explanation. Never builds it
 * here: that takes minutes, and belongs to the test command.
 */
export function findHelm(): { helm: string } | { missing: string } {
  const fromEnv = process.env.DBAAS_HELM;
  if (fromEnv) {
    return fs.existsSync(fromEnv)
      ? { helm: fromEnv }
      : { missing: `DBAAS_HELM=${fromEnv} does not exist` };
  }
  const cached = spawnSync(
    'bash',
    [
      '-c',
      'source "$1/scripts/lib/toolchain.sh" && source "$1/scripts/lib/helm.sh" && printf %s "$(helm_home)/bin/helm"',
      'bash',
      repoRoot,
    ],
    { encoding: 'utf8' },
  ).stdout;
  if (cached && fs.existsSync(cached)) {
    return { helm: cached };
  }
  return {
    missing:
      'helm is not installed: run scripts/test.sh, or `source scripts/lib/toolchain.sh; source scripts/lib/helm.sh; ensure_helm`',
  };
}
