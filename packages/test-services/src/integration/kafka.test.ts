import { Kafka, logLevel } from 'kafkajs';
import { describeWithServices } from '../describeWithServices';
import { restartService } from '../restartService';

jest.setTimeout(300_000);

const total = 10_000;
const batch = 250;

describeWithServices(['kafka'], 'Kafka', env => {
  it('delivers 10,000 idempotently produced messages once each across a broker restart', async () => {
    const kafka = new Kafka({
      clientId: 'dbaas-kafka-proof',
      brokers: env.DBAAS_KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
      // The broker is down for a few seconds mid-run; keep retrying past that.
      retry: { initialRetryTime: 200, retries: 30, maxRetryTime: 5_000 },
    });
    const topic = `dbaas.proof.${Date.now()}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 3 }],
      waitForLeaders: true,
    });
    await admin.disconnect();

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    let restart: Promise<void> | undefined;
    for (let start = 0; start < total; start += batch) {
      if (start === total / 2) {
        restart = restartService('kafka');
      }
      await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: batch }, (_, i) => ({
          key: String((start + i) % 17),
          value: String(start + i),
        })),
      });
    }
    await restart;
    await producer.disconnect();

    const seen = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: `${topic}.readers` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<void>(resolve => {
      consumer.run({
        eachMessage: async ({ message }) => {
          const value = message.value!.toString();
          seen.set(value, (seen.get(value) ?? 0) + 1);
          if (seen.size === total) resolve();
        },
      });
    });
    await Promise.race([
      done,
      new Promise(resolve => setTimeout(resolve, 120_000)),
    ]);
    // Give duplicates, if any, a moment to arrive before counting.
    await new Promise(resolve => setTimeout(resolve, 2_000));
    await consumer.disconnect();

    expect(seen.size).toBe(total);
    const duplicates = [...seen.entries()].filter(([, count]) => count > 1);
    expect(duplicates).toEqual([]);
  });
});
