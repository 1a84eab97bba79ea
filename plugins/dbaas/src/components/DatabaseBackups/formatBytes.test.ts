import { formatBytes } from './formatBytes';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1536, '1.5 KiB'],
    [1.5 * 1024 ** 3, '1.5 GiB'],
    [2 * 1024 ** 3, '2 GiB'],
    [123.456 * 1024 ** 2, '123 MiB'],
    [12.345 * 1024 ** 4, '12.3 TiB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
