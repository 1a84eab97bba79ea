import { percentile } from '../api/closedLoop';
import type { DatabaseTimes } from './loopObserver';

type Stamp = Exclude<keyof DatabaseTimes, 'name' | 'id' | 'error'>;

/** A hop of the loop: from one stamp to the next, and what does the work. */
export type Hop = { label: string; from: Stamp; to: Stamp };

/** The hops of a create, in order: request to active through every part. */
export const CREATE_HOPS: Hop[] = [
  { label: 'request → answer (POST /services)', from: 'sent', to: 'answered' },
  { label: 'request → commit (portal)', from: 'sent', to: 'committed' },
  {
    label: 'commit → claim on the PoP (Argo CD)',
    from: 'committed',
    to: 'claim',
  },
  { label: 'claim → engine resource (operator)', from: 'claim', to: 'engine' },
  {
    label: 'engine resource → claim Active (stand-in, operator)',
    from: 'engine',
    to: 'claimActive',
  },
  {
    label: 'claim Active → active in the API (portal watch)',
    from: 'claimActive',
    to: 'active',
  },
  { label: 'request → active (the whole loop)', from: 'sent', to: 'active' },
];

/** The hops of a delete: the removal committed, pruned, forgotten. */
export const DELETE_HOPS: Hop[] = [
  {
    label: 'delete → removal committed (portal)',
    from: 'deleteSent',
    to: 'removed',
  },
  {
    label: 'removal → claim gone from the PoP (Argo CD prune, operator)',
    from: 'removed',
    to: 'claimGone',
  },
  {
    label: 'claim gone → gone from the API (portal)',
    from: 'claimGone',
    to: 'gone',
  },
  {
    label: 'delete → gone (the whole removal)',
    from: 'deleteSent',
    to: 'gone',
  },
];

const seconds = (ms: number) =>
  Number.isFinite(ms) ? (ms / 1000).toFixed(2).padStart(8) : '       -';

/**
 * p50, p95 and max of each hop over the databases that made it (n says how
 * many), in seconds; then when the last database passed each stamp, counted
 * from the first request.
 */
export function formatHops(databases: DatabaseTimes[], hops: Hop[]): string {
  const width = Math.max(...hops.map(h => h.label.length));
  const lines = [
    `  ${'hop'.padEnd(width)}      n      p50      p95      max   (seconds)`,
  ];
  for (const hop of hops) {
    const took = databases
      .filter(db => db[hop.from] !== undefined && db[hop.to] !== undefined)
      .map(db => db[hop.to]! - db[hop.from]!)
      .sort((a, b) => a - b);
    lines.push(
      `  ${hop.label.padEnd(width)} ${String(took.length).padStart(
        6,
      )} ${seconds(percentile(took, 0.5))} ${seconds(
        percentile(took, 0.95),
      )} ${seconds(took[took.length - 1] ?? NaN)}`,
    );
  }
  const start = Math.min(...databases.map(db => db[hops[0].from] ?? Infinity));
  const reached = [...new Set(hops.map(h => h.to))].map(stamp => {
    const times = databases.map(db => db[stamp]);
    const done = times.filter((t): t is number => t !== undefined);
    const last = done.length === databases.length ? Math.max(...done) : NaN;
    return `${stamp} ${done.length}/${databases.length}${
      Number.isFinite(last) ? ` by ${((last - start) / 1000).toFixed(1)} s` : ''
    }`;
  });
  lines.push(`  all of them, from the first request: ${reached.join(', ')}`);
  return lines.join('\n');
}
