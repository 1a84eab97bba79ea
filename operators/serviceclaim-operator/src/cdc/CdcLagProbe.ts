import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { describeError } from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';

/** The last change read from a topic: when it was committed, when it arrived. */
type LastChange = { committedAt: number; arrivedAt: number };

/**
 * When a change event's change was committed, from Debezium's envelope
 * (`source.ts_ms`), with or without the JSON converter's schema wrapper.
 */
export function committedAt(value: Buffer | null): number | undefined {
  if (!value?.length) return undefined;
  try {
    const event = JSON.parse(value.toString('utf8'));
    const source = event?.source ?? event?.payload?.source;
    return typeof source?.ts_ms === 'number' ? source.ts_ms : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How far a PoP's CDC pipelines trail their databases: one consumer of the
 * operator's reads the pipelines' topics from their end and, for the newest
 * change of each batch, takes the time from its commit in the database
 * (`source.ts_ms`) to its arrival in Kafka (the record's timestamp, set when
 * Kafka Connect produced it). That is the lag the CDC tab shows.
 *
 * Kafka has no request that returns a topic's last record, and Kafka Connect
 * and Debezium publish their own lag only as JMX metrics; a consumer is the
 * one reader both Kafka and kafkajs offer. It commits nothing, and a topic
 * added later makes it rejoin with the longer list: changes that arrive while
 * it rejoins are not measured, only later ones.
 */
export class CdcLagProbe {
  private consumer?: Consumer;
  private readonly topics = new Set<string>();
  private readonly last = new Map<string, LastChange>();
  private rejoin: Promise<void> = Promise.resolve();

  constructor(
    private readonly kafka: Kafka,
    private readonly groupId: string,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads `topics` too from now on. Resolves when the consumer has been
   * asked to join with them (joining takes a moment more); a failure is
   * logged, and the next call joins again.
   */
  watch(topics: string[]): Promise<void> {
    const added = topics.filter(topic => !this.topics.has(topic));
    if (!added.length) return this.rejoin;
    for (const topic of added) this.topics.add(topic);
    this.rejoin = this.rejoin.then(() =>
      this.restart().catch(error => {
        // No consumer reads any of them now: the next call joins again
        // with the topics it names.
        this.topics.clear();
        this.logger.warn('could not watch the lag of CDC topics', {
          topics: added.join(', '),
          error: describeError(error),
        });
      }),
    );
    return this.rejoin;
  }

  /** The newest change read from any of `topics`, and its lag. */
  latest(topics: string[]): { lagMs: number; committedAt: number } | undefined {
    let newest: LastChange | undefined;
    for (const topic of topics) {
      const change = this.last.get(topic);
      if (change && (!newest || change.committedAt > newest.committedAt)) {
        newest = change;
      }
    }
    return (
      newest && {
        lagMs: Math.max(0, newest.arrivedAt - newest.committedAt),
        committedAt: newest.committedAt,
      }
    );
  }

  async close(): Promise<void> {
    await this.rejoin;
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async restart(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
    });
    // A crash kafkajs does not recover from by itself stops the reading:
    // the next watch() joins again with every topic.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.consumer !== consumer) return;
      this.logger.warn('the CDC lag probe stopped; it joins again', {
        error: describeError(payload.error),
      });
      this.consumer = undefined;
      this.topics.clear();
      void consumer.disconnect().catch(() => undefined);
    });
    await consumer.connect();
    try {
      await consumer.subscribe({
        topics: [...this.topics],
        fromBeginning: false,
      });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          this.record(batch.topic, batch.messages);
        },
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    this.consumer = consumer;
  }

  private record(topic: string, messages: KafkaMessage[]): void {
    // The newest change of the batch; tombstones carry none.
    for (let i = messages.length - 1; i >= 0; i--) {
      const committed = committedAt(messages[i].value);
      if (committed === undefined) continue;
      const change = {
        committedAt: committed,
        arrivedAt: Number(messages[i].timestamp),
      };
      const known = this.last.get(topic);
      if (!known || known.committedAt <= change.committedAt) {
        this.last.set(topic, change);
      }
      return;
    }
  }
}
