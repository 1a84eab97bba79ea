import { describeSchedule } from './describeSchedule';

describe('describeSchedule', () => {
  it.each([
    ['0 2 * * *', 'every day at 02:00'],
    ['30 23 * * *', 'every day at 23:30'],
    ['0 */6 * * *', 'every 6 hours, on the hour'],
    ['15 */4 * * *', 'every 4 hours, at minute 15'],
    ['0 * * * *', 'every hour, on the hour'],
    ['*/30 * * * *', 'every 30 minutes'],
    ['0 3 * * 0', 'every Sunday at 03:00'],
    ['0 3 * * 7', 'every Sunday at 03:00'],
    ['0 4 1 * *', 'on day 1 of every month at 04:00'],
  ])('reads %s as %s', (cron, words) => {
    expect(describeSchedule(cron)).toBe(words);
  });

  it.each(['0 2 * 1 *', '0 2 1 * 1', '0 1-5 * * *', '0 2 * * 1-5', 'nonsense'])(
    'leaves %s to be shown as it is',
    cron => {
      expect(describeSchedule(cron)).toBeUndefined();
    },
  );
});
