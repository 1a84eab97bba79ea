import type { Knex } from 'knex';
import { cpuTicksOf, TICKS_PER_SECOND } from '../processCpu';

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
        const ticks = await cpuTicksOf(pid);
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
