import { CDC_TOPIC_RETENTION_MS } from '@internal/backstage-plugin-dbaas-common';
import { Kafka, logLevel, type Admin } from 'kafkajs';

/**
 * The PoP's Kafka, for the topics of CDC pipelines: made by the operator
 * before their connector writes, with the seed's retention for CDC topics,
 * rather than left to the broker's defaults. Deleting a pipeline keeps its
 * topics: they age out by that retention.
 */
export class CdcTopics {
  private readonly admin: Admin;
  private connected?: Promise<void>;

  constructor(
    brokers: string[],
    private readonly options: {
      partitions?: number;
      replicationFactor?: number;
    } = {},
  ) {
    this.admin = new Kafka({
      clientId: 'serviceclaim-operator',
      brokers,
      logLevel: logLevel.NOTHING,
    }).admin();
  }

  /** Creates those of `topics` that do not exist yet. */
  async ensure(topics: string[]): Promise<void> {
    await (this.connected ??= this.admin.connect().catch(error => {
      this.connected = undefined;
      throw error;
    }));
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter(topic => !existing.has(topic));
    if (!missing.length) return;
    await this.admin.createTopics({
      waitForLeaders: true,
      topics: missing.map(topic => ({
        topic,
        numPartitions: this.options.partitions ?? 1,
        replicationFactor: this.options.replicationFactor ?? -1,
        configEntries: [
          { name: 'retention.ms', value: String(CDC_TOPIC_RETENTION_MS) },
          { name: 'cleanup.policy', value: 'delete' },
        ],
      })),
    });
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}
