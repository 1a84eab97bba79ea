import { coversRange, parseCidr } from './cidr';

const range = (cidr: string) => {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`not a CIDR: ${cidr}`);
  return parsed;
};

describe('parseCidr', () => {
  it('reads IPv4 and IPv6 blocks, ignoring host bits', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({
      version: 4,
      first: 0x0a000000n,
      last: 0x0affffffn,
    });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({
      first: 0n,
      last: 0xffffffffn,
    });
    expect(parseCidr('::/0')).toEqual({
      version: 6,
      first: 0n,
      last: (1n << 128n) - 1n,
    });
    expect(parseCidr('fe80::1/64')).toMatchObject({
      first: 0xfe80n << 112n,
    });
  });

  it('refuses what is not a CIDR', () => {
    for (const bad of [
      'everything',
      '10.0.0.0',
      '10.0.0.256/8',
      '10.0.0.0/33',
      '::1::/64',
      'fe80::/129',
      '1:2:3:4:5:6:7:8:9/64',
    ]) {
      expect(parseCidr(bad)).toBeUndefined();
    }
  });
});

describe('coversRange', () => {
  it('judges the union of the ranges', () => {
    const internet = range('0.0.0.0/0');
    expect(coversRange([range('0.0.0.0/0')], internet)).toBe(true);
    expect(
      coversRange([range('128.0.0.0/1'), range('0.0.0.0/1')], internet),
    ).toBe(true);
    expect(coversRange([range('0.0.0.0/1')], internet)).toBe(false);
    expect(
      coversRange(
        [range('0.0.0.0/2'), range('128.0.0.0/1'), range('64.0.0.0/3')],
        internet,
      ),
    ).toBe(false);
  });

  it('sees a single forbidden address inside a wider range', () => {
    const metadata = range('169.254.169.254/32');
    expect(coversRange([range('169.254.0.0/16')], metadata)).toBe(true);
    expect(coversRange([range('169.254.169.0/31')], metadata)).toBe(false);
  });

  it('keeps IPv4 and IPv6 apart', () => {
    expect(coversRange([range('0.0.0.0/0')], range('::/0'))).toBe(false);
  });
});
