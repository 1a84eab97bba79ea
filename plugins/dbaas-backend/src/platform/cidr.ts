/** The addresses of a CIDR block, as an inclusive range of numbers. */
export type CidrRange = {
  version: 4 | 6;
  first: bigint;
  last: bigint;
};

const ipv4 =
  /^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])$/;

function ipv4Number(address: string): bigint | undefined {
  if (!ipv4.test(address)) {
    return undefined;
  }
  return address
    .split('.')
    .reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6Number(address: string): bigint | undefined {
  const halves = address.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) {
    return undefined;
  }
  const groups = [...head, ...Array(missing).fill('0'), ...tail];
  if (!groups.every(g => /^[0-9a-fA-F]{1,4}$/.test(g))) {
    return undefined;
  }
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

/**
 * The addresses of an IPv4 or IPv6 CIDR block such as `10.0.0.0/8` or `::/0`
 * (host bits are ignored, as a firewall does); undefined when it is not one.
 */
export function parseCidr(cidr: string): CidrRange | undefined {
  const match = cidr.trim().match(/^([^/]+)\/([0-9]{1,3})$/);
  if (!match) {
    return undefined;
  }
  const [, address, prefixText] = match;
  const prefix = Number(prefixText);
  const version = address.includes(':') ? 6 : 4;
  const bits = version === 4 ? 32 : 128;
  const n = version === 4 ? ipv4Number(address) : ipv6Number(address);
  if (n === undefined || prefix > bits) {
    return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const first = (n >> hostBits) << hostBits;
  return { version, first, last: first + (1n << hostBits) - 1n };
}

/**
 * Whether the ranges together hold every address of `target`. Allowing two
 * halves of a forbidden range is allowing the range, so coverage is judged on
 * the union, not range by range.
 */
export function coversRange(ranges: CidrRange[], target: CidrRange): boolean {
  const overlapping = ranges
    .filter(
      r =>
        r.version === target.version &&
        r.last >= target.first &&
        r.first <= target.last,
    )
    .sort((a, b) => Number(a.first - b.first > 0n) - Number(a.first < b.first));
  let next = target.first;
  for (const range of overlapping) {
    if (range.first > next) {
      return false;
    }
    if (range.last >= next) {
      next = range.last + 1n;
    }
    if (next > target.last) {
      return true;
    }
  }
  return false;
}
