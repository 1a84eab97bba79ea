import type { EngineId } from '../catalog/schema';

/**
 * Whether the platform streams an engine's changes to Kafka, and how; or why
 * not. The API refuses a pipeline on an engine that is not offered with the
 * reason, and the portal shows it on the CDC tab.
 * @public
 */
export type CdcCapability =
  | {
      available: true;
      /** What runs a pipeline: the connector and what it makes in the database. */
      how: string;
      /** The Kafka Connect connector class the ServiceClaim operator registers. */
      connectorClass: string;
    }
  | { available: false; reason: string };

/**
 * How a captured table is named on an engine, as the topic names it after the
 * tenant (the seed's topic design): its parts, in order.
 * @public
 */
export type CdcTableForm = {
  /** The parts' words, e.g. ['schema', 'table']. */
  parts: readonly string[];
  /** One table as a user would write it. */
  example: string;
};

const notBuilt = (connector: string): CdcCapability => ({
  available: false,
  reason: `Not offered yet: the ServiceClaim operator does not register ${connector} on the PoPs' Kafka Connect`,
});

/**
 * What the platform does for each engine's change data capture today, from
 * what the ServiceClaim operator registers on Kafka Connect (see docs/cdc.md).
 * @public
 */
export const engineCdc: Record<EngineId, CdcCapability> = {
  postgresql: {
    available: true,
    how: "Debezium's PostgreSQL connector (pgoutput) on the PoP's Kafka Connect, reading the primary through a replication slot and a publication of the pipeline's tables",
    connectorClass: 'io.debezium.connector.postgresql.PostgresConnector',
  },
  yugabyte: notBuilt("YugabyteDB's Debezium connector"),
  vitess: notBuilt("Debezium's Vitess connector"),
  mongodb: notBuilt("Debezium's MongoDB connector"),
  scylla: notBuilt('the Scylla CDC Source Connector'),
  aerospike: {
    available: false,
    reason:
      "Not offered: Aerospike's change notification (XDR to a Kafka connector) is part of Aerospike Enterprise and its Kafka outbound connector, which the platform's Community Edition clusters cannot use",
  },
  dragonfly: {
    available: false,
    reason:
      'Not offered: Dragonfly has no change log a connector can read; a stream of its changes would have to be written by the application itself (for example to a Redis Stream)',
  },
};

/** How each engine's captured tables are named (the seed's topic design). @public */
export const cdcTableForms: Record<EngineId, CdcTableForm> = {
  postgresql: { parts: ['schema', 'table'], example: 'public.orders' },
  yugabyte: { parts: ['table'], example: 'orders' },
  vitess: { parts: ['keyspace', 'table'], example: 'commerce.orders' },
  scylla: { parts: ['keyspace', 'table'], example: 'shop.orders' },
  mongodb: { parts: ['database', 'collection'], example: 'shop.orders' },
  aerospike: { parts: ['namespace', 'set'], example: 'data.orders' },
  dragonfly: { parts: ['db-index'], example: '0' },
};

/**
 * What is wrong with a captured table's name for an engine's table form, or
 * undefined: the claim's rules and the portal's form say the same. Its
 * characters are cdcTableSchema's to check.
 * @public
 */
export function cdcTableFormIssue(
  table: string,
  form: CdcTableForm,
): string | undefined {
  return table.split('.').length === form.parts.length
    ? undefined
    : `${table} is not a ${form.parts.join(
        '.',
      )}: name each table as its topic does, such as ${form.example}`;
}
