import cronstrue from 'cronstrue';

/**
 * A five-field cron expression in words, to follow "Backed up"
 * (`0 2 * * *` → `at 02:00`, `0 *\/6 * * *` → `on the hour, every 6 hours`).
 * Undefined for what is no five-field expression: the expression itself is
 * shown then. cronstrue would read six fields as seconds first, which a claim's
 * schedule never has (see cronScheduleSchema).
 */
export function describeSchedule(cron: string): string | undefined {
  if (cron.trim().split(/\s+/).length !== 5) return undefined;
  try {
    const words = cronstrue.toString(cron, {
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
    });
    return words.charAt(0).toLowerCase() + words.slice(1);
  } catch {
    return undefined;
  }
}
