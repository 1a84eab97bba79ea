import { formatDuration } from './formatDuration';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [252_000, '4 min 12 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [3_930_000, '1 h 5 min'],
    [183_600_000, '2 d 3 h'],
  ])('writes %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
