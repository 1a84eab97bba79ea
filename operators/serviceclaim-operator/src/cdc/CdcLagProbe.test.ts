import type { Kafka } from 'kafkajs';
import { silentLogger } from '../logger';
import { CdcLagProbe, committedAt } from './CdcLagProbe';

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

describe('CdcLagProbe', () => {
  /** A stand-in for kafkajs (a unit test): joins fail while `down`. */
  function fakeKafka() {
    const state = { down: true, subscribed: [] as string[][] };
    const kafka = {
      consumer: () => ({
        events: { CRASH: 'consumer.crash' },
        on: () => undefined,
        connect: async () => {
          if (state.down) throw new Error('no broker');
        },
        subscribe: async ({ topics }: { topics: string[] }) => {
          state.subscribed.push(topics);
        },
        run: async () => undefined,
        disconnect: async () => undefined,
      }),
    } as unknown as Kafka;
    return { kafka, state };
  }

  it('joins again with the topics asked for after a join failed', async () => {
    const { kafka, state } = fakeKafka();
    const probe = new CdcLagProbe(
      kafka,
      'serviceclaim-operator.cdc-lag.lagos',
      silentLogger,
    );
    await probe.watch(['orders', 'customers']);
    state.down = false;
    await probe.watch(['orders']);
    await probe.watch(['orders']);
    await probe.watch(['customers']);
    expect(state.subscribed).toEqual([['orders'], ['orders', 'customers']]);
    await probe.close();
  });
});
