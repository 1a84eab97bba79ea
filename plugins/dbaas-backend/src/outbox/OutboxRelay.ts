import type { LoggerService } from '@backstage/backend-plugin-api';
import { backoffDelay, sleep } from '@internal/backstage-plugin-dbaas-node';
import {
  Kafka,
  type Producer,
  type RetryOptions,
  type TopicMessages,
} from 'kafkajs';
import type { Knex } from 'knex';
import { kafkaLogCreator } from './kafkaLogCreator';

/** The columns the relay reads and writes; the rest is the outbox's own. */
export type OutboxRow = { seq: number | string; published_at: unknown };

/**
 * A table of events that a mutation writes in its own transaction, and the
 * relay publishes after the commit: the audit trail (`audit_events`), the
 * alerts (`alert_events`).
 */
export type Outbox<Row extends OutboxRow> = {
  /** Its name in logs, e.g. `Audit`. */
  name: string;
  table: string;
  /** Rows as Kafka messages, one group per topic, in the rows' order. */
  messages(rows: Row[]): TopicMessages[];
};

/** Options of {@link OutboxRelay.create}. */
export type OutboxRelayOptions<Row extends OutboxRow> = {
  /** The plugin's database, migrated. */
  db: Knex;
  outbox: Outbox<Row>;
  kafka: { brokers: string[]; clientId?: string };
  logger: LoggerService;
  /**
   * Rows per round trip; default 100. One tenant's share of a batch is one Kafka
   * record batch, which the broker refuses above `message.max.bytes` (1 MiB by
   * default).
   */
  batchSize?: number;
  /** How long to wait before looking again when the outbox is empty; default 1 s. */
  idleIntervalMs?: number;
};

const FIRST_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5_000;

// Few, quick retries inside kafkajs (it would retry an idempotent producer
// forever by default): a send that fails soon is how the relay notices an outage,
// and the relay itself retries without limit. Limiting them is safe because a
// failed batch is sent again unchanged on the same producer, or on a new one
// (see publishBatch).
const KAFKA_RETRY: RetryOptions = {
  initialRetryTime: 200,
  retries: 3,
  maxRetryTime: MAX_BACKOFF_MS,
};

/**
 * Publishes an outbox to the tenants' Kafka topics (the audit trail's
 * `dbaas.audit.{tenant}`, the alerts' `dbaas.alerts.{tenant}`), oldest first,
 * and stamps each row once Kafka has it. Delivery is at least once: a row is
 * only marked after every in-sync replica acknowledged it, and consumers
 * deduplicate on the event id.
 */
export class OutboxRelay<Row extends OutboxRow> {
  static create<Row extends OutboxRow>(
    options: OutboxRelayOptions<Row>,
  ): OutboxRelay<Row> {
    const kafka = new Kafka({
      clientId:
        options.kafka.clientId ??
        `backstage-dbaas-${options.outbox.name.toLowerCase()}`,
      brokers: options.kafka.brokers,
      retry: KAFKA_RETRY,
      logCreator: kafkaLogCreator(options.logger),
    });
    return new OutboxRelay(
      options.db,
      options.outbox,
      kafka,
      options.logger,
      options.batchSize ?? 100,
      options.idleIntervalMs ?? 1_000,
    );
  }

  private producer?: Producer;
  /** The seqs of the last batch whose send failed, while that producer lives. */
  private unconfirmed?: Array<number | string>;
  private running?: Promise<void>;
  private stopping?: AbortController;

  private constructor(
    private readonly db: Knex,
    private readonly outbox: Outbox<Row>,
    private readonly kafka: Kafka,
    private readonly logger: LoggerService,
    private readonly batchSize: number,
    private readonly idleIntervalMs: number,
  ) {}

  /** Starts relaying in the background until {@link OutboxRelay.stop}. */
  start(): void {
    if (this.running) {
      return;
    }
    this.stopping = new AbortController();
    this.running = this.run(this.stopping.signal);
  }

  /** Lets the batch in flight finish, then stops and disconnects from Kafka. */
  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.running;
    this.running = undefined;
    await this.dropProducer();
  }

  /**
   * Publishes the oldest unsent events, one batch at most, and resolves to how
   * many. Throws when Kafka or the database fails; the rows then stay unsent.
   */
  async relayOnce(): Promise<number> {
    if (this.db.client.config.client !== 'pg') {
      // SQLite has a single writer, and the plugin a single instance on it: a
      // transaction held through the Kafka round trip would only stall mutations.
      return this.publishBatch(this.db, false);
    }
    return this.db.transaction(tx => this.publishBatch(tx, true));
  }

  private async run(stop: AbortSignal): Promise<void> {
    let failures = 0;
    while (!stop.aborted) {
      let pause = this.idleIntervalMs;
      try {
        const sent = await this.relayOnce();
        if (failures > 0) {
          this.logger.info(
            `${this.outbox.name} relay recovered after ${failures} failed attempts`,
          );
          failures = 0;
        }
        if (sent === this.batchSize) {
          pause = 0;
        }
      } catch (error) {
        failures += 1;
        // Once per outage: the backoff retries are not news to the operator.
        if (failures === 1) {
          this.logger.warn(
            `${this.outbox.name} relay cannot publish; events stay in the outbox and it retries until it can: ${error}`,
          );
        }
        pause = backoffDelay(failures, {
          initialMs: FIRST_BACKOFF_MS,
          maxMs: MAX_BACKOFF_MS,
          jitter: false,
        });
      }
      await sleep(pause, stop);
    }
  }

  private async publishBatch(
    db: Knex | Knex.Transaction,
    lock: boolean,
  ): Promise<number> {
    // Unsent rows rather than rows past a high-water mark: mutations commit out
    // of seq order, and a row that becomes visible late must still be found.
    const query = db<Row>(this.outbox.table)
      .whereNull('published_at')
      .orderBy('seq')
      .limit(this.batchSize);
    if (this.unconfirmed) {
      // The last send failed, yet Kafka may have stored it. The producer reuses
      // its sequence numbers for the next send, under which the broker keeps the
      // first copy and drops a repeat: so the retry must be that very batch, or
      // go out on a new producer (below), at the price of possible duplicates.
      query.whereIn('seq', this.unconfirmed);
    }
    // Several replicas take disjoint batches: rows another relay holds are
    // skipped rather than waited for.
    const rows = (await (lock
      ? query.forUpdate().skipLocked()
      : query)) as Row[];
    if (this.unconfirmed && rows.length !== this.unconfirmed.length) {
      // Another relay published part of it: a new producer starts new sequences.
      await this.dropProducer();
    }
    this.unconfirmed = undefined;
    if (rows.length === 0) {
      return 0;
    }
    const seqs = rows.map(row => row.seq);
    try {
      const producer = await this.connectedProducer();
      await producer.sendBatch({
        acks: -1,
        topicMessages: this.outbox.messages(rows),
      });
    } catch (error) {
      if (refusedByBroker(error)) {
        // The producer may be fenced or out of sequence; start afresh.
        await this.dropProducer();
      } else {
        this.unconfirmed = seqs;
      }
      throw error;
    }
    await db(this.outbox.table)
      .whereIn('seq', seqs)
      .update({ published_at: new Date() });
    return rows.length;
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: KAFKA_RETRY,
      });
      try {
        await producer.connect();
      } catch (error) {
        await producer.disconnect().catch(() => undefined);
        throw error;
      }
      this.producer = producer;
    }
    return this.producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.unconfirmed = undefined;
    await producer?.disconnect().catch(() => undefined);
  }
}

/**
 * Whether the broker refused the batch for good (fenced producer, sequence out
 * of order, record too large) rather than kafkajs giving up on reaching it.
 */
function refusedByBroker(error: unknown): boolean {
  type KafkaError = { name?: string; retriable?: boolean; cause?: KafkaError };
  let root = error as KafkaError | undefined;
  while (root?.cause && root.cause !== root) {
    root = root.cause;
  }
  return root?.name === 'KafkaJSProtocolError' && root.retriable === false;
}
