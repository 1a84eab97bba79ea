const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/**
 * A size in binary units, the ones the portal sizes storage in (`500Gi`):
 * `1.5 GiB`, three significant digits at most.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  let digits = 2;
  if (unit === 0 || value >= 100) digits = 0;
  else if (value >= 10) digits = 1;
  // Number() drops the zeros toFixed pads with: 2 GiB, not 2.00 GiB.
  return `${Number(value.toFixed(digits))} ${units[unit]}`;
}
