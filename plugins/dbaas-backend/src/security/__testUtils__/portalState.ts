import { execFileSync } from 'node:child_process';
import type { Knex } from 'knex';

/** The tables whose rows a refused attack must leave as they were. */
export const STATE_TABLES = [
  'service_instances',
  'tenant_quotas',
  'role_grants',
  'service_backups',
  'service_restores',
  'audit_events',
  'service_timeline',
  'tenant_slugs',
] as const;

/**
 * Everything an attack could change, as plain data to compare before and
 * after: every row of the state tables (sorted, so the order rows come back
 * in does not matter) and, when given, the GitOps repository's branches and
 * the files at the head of `main`.
 */
export async function portalState(
  knex: Knex,
  gitops?: string,
): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const table of STATE_TABLES) {
    const rows = await knex(table).select();
    state[table] = rows
      .map(row => JSON.stringify(row, Object.keys(row).sort()))
      .sort();
  }
  if (gitops) {
    const git = (...args: string[]) =>
      execFileSync('git', [`--git-dir=${gitops}`, ...args], {
        encoding: 'utf8',
      });
    state.gitopsRefs = git('for-each-ref', '--format=%(refname) %(objectname)');
    const files = git('ls-tree', '-r', '--name-only', 'main')
      .split('\n')
      .filter(file => file.startsWith('tenants/'));
    state.gitopsClaims = Object.fromEntries(
      files.map(file => [file, git('show', `main:${file}`)]),
    );
  }
  return state;
}
