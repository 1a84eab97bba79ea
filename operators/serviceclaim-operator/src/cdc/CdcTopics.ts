import { CDC_TOPIC_RETENTION_MS } from '@internal/backstage-plugin-dbaas-common';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  ResourcePatternTypes,
  type Admin,
} from 'kafkajs';

/** A topic's end offsets, by partition. */
export type EndOffsets = Map<number, number>;

/** The operator's client of a PoP's Kafka. */
export function cdcKafka(brokers: string[]): Kafka {
  return new Kafka({
    clientId: 'serviceclaim-operator',
    brokers,
    logLevel: logLevel.NOTHING,
  });
}

/**
 * What a tenant may read: its principal, the prefix of its CDC topics and the
 * prefix its consumer groups must have.
 */
export type TenantGrant = {
  principal: string;
  topicPrefix: string;
  groupPrefix: string;
};

/**
 * The principal a tenant's consumers authenticate as on a PoP's Kafka, and its
 * consumer groups' prefix: `User:tenant-<slug>`, its namespace's name (the
 * platform makes the user, e.g. a Strimzi KafkaUser of that name).
 */
export function tenantGrant(tenant: string, topicPrefix: string): TenantGrant {
  return {
    principal: `User:tenant-${tenant}`,
    topicPrefix,
    groupPrefix: `tenant-${tenant}.`,
  };
}

/**
 * The PoP's Kafka, for the topics of CDC pipelines: made by the operator
 * before their connector writes, with the seed's retention for CDC topics,
 * rather than left to the broker's defaults, and readable by their tenant's
 * principal alone (prefixed ACLs: read and describe on the tenant's topics,
 * read on its consumer groups; no ACL, no access). Deleting a pipeline keeps
 * its topics: they age out by that retention.
 */
export class CdcTopics {
  private readonly admin: Admin;
  private connected?: Promise<void>;
  /** Grants made by this process: ACLs are made once, not on every reconcile. */
  private readonly granted = new Set<string>();

  constructor(
    kafka: Kafka,
    private readonly options: {
      partitions?: number;
      replicationFactor?: number;
    } = {},
  ) {
    this.admin = kafka.admin();
  }

  private connect(): Promise<void> {
    return (this.connected ??= this.admin.connect().catch(error => {
      this.connected = undefined;
      throw error;
    }));
  }

  /** Creates those of `topics` that do not exist yet, readable by `grant`. */
  async ensure(topics: string[], grant: TenantGrant): Promise<void> {
    await this.connect();
    await this.grant(grant);
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

  /** Each topic's end offset per partition: where its next message goes. */
  async endOffsets(topics: string[]): Promise<Map<string, EndOffsets>> {
    await this.connect();
    const ends = new Map<string, EndOffsets>();
    for (const topic of topics) {
      const partitions = await this.admin.fetchTopicOffsets(topic);
      ends.set(
        topic,
        new Map(partitions.map(p => [p.partition, Number(p.high)])),
      );
    }
    return ends;
  }

  /**
   * How many messages of `ends`' topics each consumer group named
   * `groupPrefix…` has not consumed yet, for the groups that have consumed
   * any of them (a committed offset on one of their partitions).
   */
  async groupLags(
    groupPrefix: string,
    ends: Map<string, EndOffsets>,
  ): Promise<{ group: string; lag: number }[]> {
    await this.connect();
    const { groups } = await this.admin.listGroups();
    const lags: { group: string; lag: number }[] = [];
    for (const { groupId } of groups) {
      if (!groupId.startsWith(groupPrefix)) continue;
      const committed = await this.admin.fetchOffsets({
        groupId,
        topics: [...ends.keys()],
      });
      let reads = false;
      let lag = 0;
      for (const { topic, partitions } of committed) {
        for (const { partition, offset } of partitions) {
          const at = Number(offset);
          if (at < 0) continue;
          reads = true;
          lag += Math.max(0, (ends.get(topic)?.get(partition) ?? at) - at);
        }
      }
      if (reads) lags.push({ group: groupId, lag });
    }
    return lags.sort((a, b) => a.group.localeCompare(b.group));
  }

  private async grant(grant: TenantGrant): Promise<void> {
    const key = `${grant.principal} ${grant.topicPrefix} ${grant.groupPrefix}`;
    if (this.granted.has(key)) return;
    const allow = {
      principal: grant.principal,
      host: '*',
      permissionType: AclPermissionTypes.ALLOW,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
    };
    // Creating an ACL that exists changes nothing.
    await this.admin.createAcls({
      acl: [
        {
          ...allow,
          resourceType: AclResourceTypes.TOPIC,
          resourceName: grant.topicPrefix,
          operation: AclOperationTypes.READ,
        },
        {
          ...allow,
          resourceType: AclResourceTypes.TOPIC,
          resourceName: grant.topicPrefix,
          operation: AclOperationTypes.DESCRIBE,
        },
        {
          ...allow,
          resourceType: AclResourceTypes.GROUP,
          resourceName: grant.groupPrefix,
          operation: AclOperationTypes.READ,
        },
      ],
    });
    this.granted.add(key);
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
  }
}
