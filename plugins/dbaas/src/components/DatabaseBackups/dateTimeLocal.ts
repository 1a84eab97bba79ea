const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A date as a `datetime-local` input's value (`2025-05-01T14:30`), in the
 * browser's time zone, which is the one the input shows and reads back.
 */
export function toDateTimeLocal(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(
    date.getDate(),
  )}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * A `datetime-local` value as a Date; a value without an offset is local time
 * in JavaScript as in the input. Undefined for an empty or unreadable value.
 */
export function fromDateTimeLocal(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) {
    return undefined;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
