import { spawnSync } from 'node:child_process';

/**
 * MkDocs with mkdocs-techdocs-core on PATH, where the TechDocs backend's
 * generator runs it from (it spawns `mkdocs` by name, with the process's own
 * environment: a test cannot hand it another PATH). scripts/test.sh puts it
 * there (ensure_techdocs); without it, an explanation. Never installs it here:
 * that belongs to the test command.
 */
export function findMkdocs(): { mkdocs: string } | { missing: string } {
  const version = spawnSync('mkdocs', ['--version'], { encoding: 'utf8' });
  if (version.status === 0) {
    return { mkdocs: version.stdout.trim() };
  }
  return {
    missing:
      'mkdocs is not on PATH: run scripts/test.sh, or first `source scripts/lib/toolchain.sh; source scripts/lib/techdocs.sh; ensure_techdocs` in the shell that runs the tests',
  };
}
