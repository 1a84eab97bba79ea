import { DEFAULT_BACKUP_RETENTION } from '@internal/backstage-plugin-dbaas-common';

/**
 * How long backups are kept when a database does not say: the backend's
 * restore check uses the same default (docs/api.md, "Backups and restores").
 */
export const DEFAULT_RETENTION = DEFAULT_BACKUP_RETENTION;

/** A retention in words: `14 days`, `36 hours`, `1 day`. */
export function describeRetention(retention: string): string {
  const amount = Number(retention.slice(0, -1));
  const unit = retention.endsWith('d') ? 'day' : 'hour';
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
