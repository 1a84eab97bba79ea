import {
  CDC_TOPIC_RETENTION_MS,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';

/** A topic of a database's CDC pipeline: what its definition describes. */
export type CdcTopicSource = {
  /** The database's name. */
  database: string;
  pipeline: string;
  /** The captured table, in its engine's form (`public.orders`). */
  table: string;
  /** Its topic, as cdcTopic names it. */
  topic: string;
};

type Schema = Record<string, unknown>;

/** Debezium's `topic.prefix`, which it names `source.name`: the topic without its table. */
const topicPrefix = ({ topic, table }: CdcTopicSource) =>
  topic.slice(0, topic.length - table.length - 1);

/**
 * What differs between Debezium's connectors in a change event: the `source`
 * block, what `before` holds, and the position a consumer deduplicates by.
 */
type DebeziumConnector = {
  /** Its name, for people: "Debezium's PostgreSQL connector". */
  title: string;
  /** Where Debezium documents its change events. */
  docs: string;
  /** Where Debezium says how it encodes each column type. */
  dataTypes: string;
  /** The `source` block of the topic's events. */
  source: (topic: CdcTopicSource) => Schema;
  /** A `source` block of an insert, for the example. */
  sourceExample: (topic: CdcTopicSource) => Record<string, unknown>;
  /** What `before` holds for an update and a delete. */
  before: string;
  /** The field of `source` that places a change in the database's log. */
  position: string;
};

/**
 * Debezium's PostgreSQL connector, as the ServiceClaim operator registers it
 * (docs/cdc.md): pgoutput, `topic.prefix` `dbaas.cdc.postgresql.{tenant}`,
 * the Connect worker's JsonConverter without schemas, so that a message's key
 * and value are the plain JSON below.
 */
const postgresql: DebeziumConnector = {
  title: "Debezium's PostgreSQL connector",
  docs: 'https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-events',
  dataTypes:
    'https://debezium.io/documentation/reference/stable/connectors/postgresql.html#postgresql-data-types',
  source: topic => {
    const [schema, table] = topic.table.split('.');
    return {
      type: 'object',
      description: 'Where the change comes from, and its place in the log.',
      required: [
        'version',
        'connector',
        'name',
        'ts_ms',
        'db',
        'schema',
        'table',
        'txId',
        'lsn',
      ],
      properties: {
        version: {
          type: 'string',
          description: "Debezium's version, e.g. `3.7.0.Final`.",
        },
        connector: { type: 'string', const: 'postgresql' },
        name: {
          type: 'string',
          const: topicPrefix(topic),
          description: "The pipeline's topic prefix.",
        },
        ts_ms: {
          type: 'integer',
          description:
            'When the database committed the change (ms since the epoch); for a snapshot row, when the snapshot read it.',
        },
        ts_us: { type: 'integer', description: 'ts_ms in microseconds.' },
        ts_ns: { type: 'integer', description: 'ts_ms in nanoseconds.' },
        snapshot: {
          type: 'string',
          description:
            '`false` for a streamed change; `true`, `first`, `last` (or `first_in_data_collection`, `last_in_data_collection`) for a row of the snapshot.',
        },
        db: { type: 'string', description: 'The PostgreSQL database.' },
        sequence: {
          type: 'string',
          description:
            "A JSON array of two LSNs as strings: the last committed one, and this change's.",
        },
        schema: { type: 'string', const: schema },
        table: { type: 'string', const: table },
        txId: {
          type: ['integer', 'null'],
          description: 'The id of the transaction that made the change.',
        },
        lsn: {
          type: ['integer', 'null'],
          description:
            "The change's position in the write-ahead log. Rows of one snapshot share it.",
        },
        xmin: { type: ['integer', 'null'] },
      },
    };
  },
  sourceExample: topic => {
    const [schema, table] = topic.table.split('.');
    return {
      version: '3.7.0.Final',
      connector: 'postgresql',
      name: topicPrefix(topic),
      ts_ms: 1764000000000,
      snapshot: 'false',
      db: 'app',
      sequence: '["24023119","24023128"]',
      schema,
      table,
      txId: 555,
      lsn: 24023128,
      xmin: null,
    };
  },
  before:
    "The row before the change: with PostgreSQL's default replica identity, null for an update and only the primary key's columns for a delete (the table's owner may `ALTER TABLE … REPLICA IDENTITY FULL` for whole rows).",
  position: 'source.lsn',
};

/**
 * The connector whose change events each engine's topics carry, where the
 * platform runs one (engineCdc says which engines it does): one entry per
 * engine, filled in as the operator registers its connector.
 */
const connectors: Record<EngineId, DebeziumConnector | undefined> = {
  postgresql,
  yugabyte: undefined,
  vitess: undefined,
  mongodb: undefined,
  scylla: undefined,
  aerospike: undefined,
  dragonfly: undefined,
};

/** Whether the topics of an engine's pipelines have a definition. */
export function hasCdcTopicDefinition(engine: EngineId): boolean {
  return connectors[engine] !== undefined;
}

const KAFKA_BINDING_VERSION = '0.5.0';

/** A Debezium change event topic as an AsyncAPI 3.0 document. */
function changeEventDocument(
  topic: CdcTopicSource,
  connector: DebeziumConnector,
): Schema {
  // The columns are the table's, which the portal never reads.
  const row = (description: string) => ({
    type: ['object', 'null'],
    additionalProperties: true,
    description: `${description} Its columns are the table's, by their names; the portal does not know them.`,
  });
  const key = {
    type: ['object', 'null'],
    additionalProperties: true,
    description:
      'The row\'s primary key columns (e.g. `{"id": 2}`); the portal does not know them. Null for a table without a primary key.',
  };
  const kafkaKey = {
    kafka: { bindingVersion: KAFKA_BINDING_VERSION, key },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: topic.topic,
      version: '1.0.0',
      description: [
        `The changes of table \`${topic.table}\` of database **${topic.database}**, ` +
          `written by its CDC pipeline **${topic.pipeline}** (${connector.title}).`,
        '',
        '- Each message is a Debezium change event (`before`, `after`, `op`, `source`), ' +
          "keyed by the row's primary key, so a row's changes keep their order.",
        '- A delete (`op` `d`) is followed by a **tombstone**: the same key with a null value.',
        '- Delivery is **at least once**: after a restart a consumer may see changes again, ' +
          `and can deduplicate them by the key and \`${connector.position}\`.`,
        `- Column values are encoded as ${connector.title} does by default ` +
          `([data types](${connector.dataTypes})).`,
        `- Kept ${
          CDC_TOPIC_RETENTION_MS / 86_400_000
        } days; deleting the pipeline keeps the topic until then.`,
      ].join('\n'),
      externalDocs: {
        description: `${connector.title}: change events`,
        url: connector.docs,
      },
      tags: [{ name: 'cdc' }, { name: 'debezium' }],
    },
    defaultContentType: 'application/json',
    channels: {
      changes: {
        address: topic.topic,
        title: `Changes of ${topic.table}`,
        messages: {
          change: { $ref: '#/components/messages/change' },
          tombstone: { $ref: '#/components/messages/tombstone' },
        },
        bindings: {
          kafka: {
            bindingVersion: KAFKA_BINDING_VERSION,
            topicConfiguration: {
              'cleanup.policy': ['delete'],
              'retention.ms': CDC_TOPIC_RETENTION_MS,
            },
          },
        },
      },
    },
    operations: {
      writeChanges: {
        action: 'send',
        channel: { $ref: '#/channels/changes' },
        summary: `Pipeline ${topic.pipeline} writes each change of ${topic.table}, then a tombstone after a delete.`,
        messages: [
          { $ref: '#/channels/changes/messages/change' },
          { $ref: '#/channels/changes/messages/tombstone' },
        ],
      },
    },
    components: {
      messages: {
        change: {
          name: 'change',
          title: 'Change event',
          summary: `A row of ${topic.table} read, inserted, updated or deleted.`,
          contentType: 'application/json',
          bindings: kafkaKey,
          payload: { $ref: '#/components/schemas/changeEvent' },
          examples: [
            {
              name: 'insert',
              summary: 'A row inserted (its columns made up)',
              payload: {
                before: null,
                after: { id: 2, item: 'widget' },
                source: connector.sourceExample(topic),
                op: 'c',
                ts_ms: 1764000000120,
                transaction: null,
              },
            },
          ],
        },
        tombstone: {
          name: 'tombstone',
          title: 'Tombstone',
          summary:
            'Follows a delete: the deleted row\u2019s key, and a null value. Skip it, or take it as the end of the row.',
          bindings: kafkaKey,
          payload: { type: 'null' },
        },
      },
      schemas: {
        changeEvent: {
          type: 'object',
          description: `Debezium's change event envelope, as ${connector.title} writes it.`,
          required: ['before', 'after', 'source', 'op', 'ts_ms'],
          properties: {
            before: row(connector.before),
            after: row(
              'The row after the change; null for a delete. For `op` `r`, the row as the snapshot read it.',
            ),
            source: { $ref: '#/components/schemas/source' },
            op: {
              type: 'string',
              enum: ['r', 'c', 'u', 'd'],
              description:
                '`r` read: a row of the snapshot taken when the pipeline started; `c` create: an insert; `u` update; `d` delete.',
            },
            ts_ms: {
              type: 'integer',
              description:
                "When the pipeline's connector handled the change (ms since the epoch); its distance from `source.ts_ms` is the pipeline's lag.",
            },
            ts_us: { type: 'integer', description: 'ts_ms in microseconds.' },
            ts_ns: { type: 'integer', description: 'ts_ms in nanoseconds.' },
            transaction: {
              type: ['object', 'null'],
              description:
                "Debezium's transaction metadata; null, as the platform's pipelines do not turn it on.",
            },
          },
        },
        source: connector.source(topic),
      },
    },
  };
}

/**
 * The AsyncAPI 3.0 document of a CDC topic, as JSON for an API entity's
 * `spec.definition` (what the api-docs plugin's AsyncAPI widget renders):
 * the topic as a channel of Debezium change events of its engine's
 * connector. Only for an engine with one (hasCdcTopicDefinition): the others
 * have no pipelines, and so no topics.
 */
export function cdcTopicDefinition(
  engine: EngineId,
  topic: CdcTopicSource,
): string {
  const connector = connectors[engine];
  if (!connector) {
    throw new Error(`The platform runs no CDC pipeline of ${engine}`);
  }
  return JSON.stringify(changeEventDocument(topic, connector), null, 2);
}
