import { committedAt } from './CdcLagProbe';

describe('committedAt', () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  it("reads the commit time from Debezium's envelope, with or without the schema wrapper", () => {
    const source = { ts_ms: 1796289622080, lsn: 24023128 };
    expect(committedAt(json({ op: 'c', source }))).toBe(1796289622080);
    expect(
      committedAt(json({ schema: {}, payload: { op: 'u', source } })),
    ).toBe(1796289622080);
  });

  it('has none for a tombstone, a message that is not a change event, or not JSON', () => {
    expect(committedAt(null)).toBeUndefined();
    expect(committedAt(Buffer.alloc(0))).toBeUndefined();
    expect(committedAt(json({ ts_ms: 1 }))).toBeUndefined();
    expect(committedAt(json({ source: { ts_ms: '1' } }))).toBeUndefined();
    expect(committedAt(Buffer.from('{not json'))).toBeUndefined();
  });
});
