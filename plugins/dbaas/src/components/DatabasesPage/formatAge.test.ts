import { formatAge } from './formatAge';

const now = Date.parse('2025-06-10T12:00:00Z');

describe('formatAge', () => {
  it('counts seconds, minutes, hours and then days', () => {
    expect(formatAge('2025-06-10T11:59:30Z', now)).toBe('30s');
    expect(formatAge('2025-06-10T11:15:00Z', now)).toBe('45m');
    expect(formatAge('2025-06-09T00:00:00Z', now)).toBe('36h');
    expect(formatAge('2025-05-31T12:00:00Z', now)).toBe('10d');
  });

  it('shows a clock skew into the future as no age, not a negative one', () => {
    expect(formatAge('2025-06-10T12:00:05Z', now)).toBe('0s');
  });

  it('leaves an unreadable date blank', () => {
    expect(formatAge('yesterday', now)).toBe('');
  });
});
