const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago a database was created, as `kubectl get` shows ages (`45m`,
 * `5h`, `12d`): short enough for a table column, exact to the unit shown.
 */
export function formatAge(createdAt: string, now: number = Date.now()): string {
  const age = Math.max(0, now - Date.parse(createdAt));
  if (Number.isNaN(age)) return '';
  if (age < MINUTE) return `${Math.floor(age / 1000)}s`;
  if (age < HOUR) return `${Math.floor(age / MINUTE)}m`;
  // Hours up to two days, so "36h" tells apart a database from yesterday morning.
  if (age < 2 * DAY) return `${Math.floor(age / HOUR)}h`;
  return `${Math.floor(age / DAY)}d`;
}
