import { serviceNameSchema } from './serviceRequests';
import {
  RESTORE_ARCHIVE_LAG_MS,
  restoreWindow,
  restoredServiceName,
} from './restoreRules';

const now = new Date('2026-12-02T10:00:00.000Z');
const HOUR_MS = 3_600_000;
const hoursBefore = (hours: number) =>
  new Date(now.getTime() - hours * HOUR_MS).toISOString();

describe('restoreWindow', () => {
  it('runs from the backup’s end until five minutes ago, when WAL is surely archived', () => {
    expect(restoreWindow(hoursBefore(2), '7d', now)).toEqual({
      from: new Date(hoursBefore(2)),
      to: new Date('2026-12-02T09:55:00.000Z'),
      expired: false,
      retention: '7d',
    });
    expect(RESTORE_ARCHIVE_LAG_MS).toBe(5 * 60_000);
  });

  it('is empty for a backup that ended within the last five minutes', () => {
    const window = restoreWindow('2026-12-02T09:58:00.000Z', '7d', now);

    expect(window.from > window.to).toBe(true);
    expect(window.expired).toBe(false);
  });

  it('keeps 14 days when the database does not say', () => {
    expect(restoreWindow(hoursBefore(15 * 24), undefined, now)).toMatchObject({
      expired: true,
      retention: '14d',
    });
  });

  it('says a backup that ended before the retention window has expired', () => {
    expect(restoreWindow(hoursBefore(25), '1d', now)).toMatchObject({
      from: new Date(hoursBefore(24)),
      expired: true,
    });
  });
});

const minute = new Date('2026-12-02T10:30:45.000Z');

describe('restoredServiceName', () => {
  it('names the source and the minute, in UTC', () => {
    expect(restoredServiceName('orders', minute)).toBe('orders-r202612021030');
  });

  it.each([
    'a-database-name-of-exactly-forty-letters',
    // Cut right after a dash: a name may not end with one.
    'customer-orders-of-europe-west',
  ])('cuts a long name %s to a valid one', source => {
    const name = restoredServiceName(source, minute);

    expect(serviceNameSchema.safeParse(name).success).toBe(true);
    expect(name).toMatch(/^[a-z][-a-z0-9]*[a-z0-9]-r202612021030$/);
    expect(name).not.toContain('--');
  });
});
