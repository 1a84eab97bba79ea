const HOUR_MS = 3_600_000;

/**
 * How long backups are kept when a database does not say: the backend's
 * restore check uses the same default (docs/api.md, "Backups and restores").
 */
export const DEFAULT_RETENTION = '7d';

/** A retention such as `14d` or `36h` (the claim's `retentionSchema`) in milliseconds. */
export function retentionMs(retention: string): number {
  const amount = Number(retention.slice(0, -1));
  return amount * (retention.endsWith('d') ? 24 : 1) * HOUR_MS;
}

/** A retention in words: `14 days`, `36 hours`, `1 day`. */
export function describeRetention(retention: string): string {
  const amount = Number(retention.slice(0, -1));
  const unit = retention.endsWith('d') ? 'day' : 'hour';
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
