import type { Knex } from 'knex';
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat; 100 on Linux everywhere it matters. */
const TICKS_PER_SECOND = 100;

/** User and system CPU of a process so far, in ticks; undefined when it is gone or unreadable. */
async function ticksOf(pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which may hold spaces: state is
    // field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

/**
 * The CPU the PostgreSQL server processes spent on the bench database: its
 * connections' backends (and an autovacuum worker on it), read from /proc,
 * which works when PostgreSQL runs on this machine. So a step's figures say
 * what a request costs the database as well as the backend: on a machine of
 * two cores, both share them.
 */
export function postgresCpu(knex: Knex) {
  let last = new Map<number, number>();
  return {
    /** Milliseconds of CPU since the last call; NaN where /proc cannot tell. */
    async take(): Promise<number> {
      const { rows } = await knex.raw(
        'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      const now = new Map<number, number>();
      for (const { pid } of rows as { pid: number }[]) {
        const ticks = await ticksOf(pid);
        if (ticks !== undefined) {
          now.set(pid, ticks);
        }
      }
      if (rows.length > 0 && now.size === 0) {
        return NaN;
      }
      let ticks = 0;
      for (const [pid, total] of now) {
        ticks += total - (last.get(pid) ?? 0);
      }
      last = now;
      return (ticks * 1000) / TICKS_PER_SECOND;
    },
  };
}
