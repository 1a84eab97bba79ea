const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

const isNumber = (field: string) => /^[0-9]+$/.test(field);
const pad = (field: string) => field.padStart(2, '0');

/**
 * A five-field cron expression in words, for the shapes backup schedules take
 * (`0 2 * * *` → `every day at 02:00`, `0 *\/6 * * *` → `every 6 hours`).
 * Undefined for anything else: the expression itself is shown then, as
 * translating every cron form would be a guess at the edges.
 */
export function describeSchedule(cron: string): string | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour, day, month, weekday] = fields;
  if (month !== '*') return undefined;
  const everyDay = day === '*' && weekday === '*';

  const stepOf = (field: string) => field.match(/^\*\/([0-9]+)$/)?.[1];
  const minuteStep = stepOf(minute);
  if (minuteStep && hour === '*' && everyDay) {
    return `every ${minuteStep} minutes`;
  }
  if (!isNumber(minute)) return undefined;
  const atMinute =
    minute === '0' ? 'on the hour' : `at minute ${Number(minute)}`;
  if (hour === '*' && everyDay) return `every hour, ${atMinute}`;
  const hourStep = stepOf(hour);
  if (hourStep && everyDay) return `every ${hourStep} hours, ${atMinute}`;
  if (!isNumber(hour)) return undefined;

  const time = `${pad(hour)}:${pad(minute)}`;
  if (everyDay) return `every day at ${time}`;
  if (day === '*' && isNumber(weekday) && Number(weekday) <= 7) {
    return `every ${WEEKDAYS[Number(weekday)]} at ${time}`;
  }
  if (weekday === '*' && isNumber(day)) {
    return `on day ${Number(day)} of every month at ${time}`;
  }
  return undefined;
}
