import { describeSchedule } from './describeSchedule';

describe('describeSchedule', () => {
  it.each([
    ['0 2 * * *', 'at 02:00'],
    ['30 23 * * *', 'at 23:30'],
    ['0 */6 * * *', 'on the hour, every 6 hours'],
    ['15 */4 * * *', 'at 15 minutes past the hour, every 4 hours'],
    ['0 * * * *', 'every hour'],
    ['*/30 * * * *', 'every 30 minutes'],
    ['0 3 * * 0', 'at 03:00, only on Sunday'],
    ['0 3 * * 7', 'at 03:00, only on Sunday'],
    ['0 4 1 * *', 'at 04:00, on day 1 of the month'],
    ['0 2 * 1 *', 'at 02:00, only in January'],
    ['0 2 1 * 1', 'at 02:00, on day 1 of the month, and on Monday'],
    ['0 1-5 * * *', 'every hour, between 01:00 and 05:00'],
    ['0 2 * * 1-5', 'at 02:00, Monday through Friday'],
  ])('reads %s as %s', (cron, words) => {
    expect(describeSchedule(cron)).toBe(words);
  });

  it.each(['nonsense', '0 0 2 * * *', '61 2 * * *'])(
    'leaves %s to be shown as it is',
    cron => {
      expect(describeSchedule(cron)).toBeUndefined();
    },
  );
});
