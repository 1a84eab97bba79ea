import {
  cdcDeadLetterTopic,
  cdcTopic,
  cdcTopicPrefix,
  engineCdc,
  type CdcPipeline,
} from '@internal/backstage-plugin-dbaas-common';
import { CDC_USER, cdcSecret, PASSWORD_KEY } from '../render/credentials';
import type { ClaimObject } from '../render/types';

/** How the operator reaches what a PoP's pipelines need. */
export type CdcSettings = {
  /**
   * How a connector's config names a Secret's key, for the Kafka Connect
   * worker's config provider to resolve: a password never sits in a
   * connector's config (Connect stores configs in a topic and shows them
   * through its REST API). Default Strimzi's KubernetesSecretConfigProvider,
   * `${secrets:<namespace>/<name>:<key>}`.
   */
  secretReference: (namespace: string, name: string, key: string) => string;
  /** Where a claim's database takes connections (its read-write Service). */
  endpoint: (claim: ClaimObject) => {
    host: string;
    port: number;
    database: string;
  };
};

/** A secretReference from a template with `{namespace}`, `{name}` and `{key}`. */
export function secretReferenceFrom(
  template: string,
): CdcSettings['secretReference'] {
  return (namespace, name, key) =>
    template
      .replace('{namespace}', namespace)
      .replace('{name}', name)
      .replace('{key}', key);
}

/** CloudNativePG's read-write Service of the claim's cluster, and its `app` database. */
export const cnpgEndpoint: CdcSettings['endpoint'] = claim => ({
  host: `${claim.metadata.name}-rw.${claim.metadata.namespace}.svc`,
  port: 5432,
  database: 'app',
});

/**
 * The tenant's slug, from the claim's namespace (`tenant-<slug>`): a claim can
 * only be in its own tenant's namespace, while its labels are only what the
 * repository says. Undefined outside a tenant namespace.
 */
export function claimTenant(claim: ClaimObject): string | undefined {
  const match = /^tenant-([a-z0-9-]+)$/.exec(claim.metadata.namespace);
  return match?.[1];
}

/** Every connector of the claim starts with this. */
export function connectorPrefix(claim: {
  metadata: { name: string; namespace: string };
}): string {
  return `dbaas.${claim.metadata.namespace}.${claim.metadata.name}.`;
}

/** The Kafka Connect connector that runs a pipeline. */
export function connectorName(claim: ClaimObject, pipeline: string): string {
  return `${connectorPrefix(claim)}${pipeline}`;
}

/**
 * The replication slot and the publication of a pipeline in its database:
 * the pipeline's name in PostgreSQL's identifier characters, behind a prefix
 * nothing else uses (the operator drops what has it and no pipeline).
 */
export const PG_CDC_PREFIX = 'dbaas_cdc_';
export function pgCdcName(pipeline: string): string {
  return `${PG_CDC_PREFIX}${pipeline.replace(/-/g, '_')}`;
}

/** A pipeline's topics, one per table, in the order of its tables. */
export function pipelineTopics(
  claim: ClaimObject,
  tenant: string,
  pipeline: CdcPipeline,
): string[] {
  return pipeline.tables.map(table =>
    cdcTopic(claim.spec.engine, tenant, table),
  );
}

export function pipelineDeadLetterTopic(
  claim: ClaimObject,
  tenant: string,
  pipeline: CdcPipeline,
): string {
  return cdcDeadLetterTopic(
    claim.spec.engine,
    tenant,
    claim.metadata.name,
    pipeline.name,
  );
}

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

/**
 * Our transform (connect/transforms) that sets aside a change event too large
 * for its topic: it must be on the PoP's Kafka Connect plugin path.
 */
export const DEAD_LETTER_TRANSFORM =
  'dbaas.connect.transforms.DeadLetterOversized';

/** A table's dots escaped for Debezium's regular-expression include lists. */
const exactly = (table: string) => table.replace(/\./g, '\\.');

/**
 * The connector config of a pipeline; undefined for an engine the platform
 * offers no CDC for (engineCdc says why).
 *
 * PostgreSQL, Debezium 3.7's PostgreSQL connector: pgoutput (built into
 * PostgreSQL 10 and later), a slot and a publication of the pipeline's tables
 * alone (`publication.autocreate.mode: filtered`, kept in step with the list),
 * and `topic.prefix` `dbaas.cdc.postgresql.<tenant>`, under which Debezium
 * names each table's topic `<prefix>.<schema>.<table>`: the seed's topic
 * names as they are. Heartbeats every 10 s let the slot's position advance
 * while the pipeline's tables are quiet and the rest of the database is not,
 * so that the slot never holds WAL back for long; batches are handed to
 * Kafka every 100 ms (bench/cdc). A change event larger than a topic takes
 * goes to the pipeline's dead letter topic as a record of why, with the
 * row's key and the change's position (DEAD_LETTER_TRANSFORM); any other
 * failure stops the connector (`errors.tolerance: none`): a change is never
 * skipped silently.
 */
export function connectorConfig(
  claim: ClaimObject,
  tenant: string,
  pipeline: CdcPipeline,
  settings: CdcSettings,
): Record<string, string> | undefined {
  const capability = engineCdc[claim.spec.engine];
  const secret = cdcSecret(claim);
  if (!capability.available || !secret) return undefined;
  const { host, port, database } = settings.endpoint(claim);
  const name = pgCdcName(pipeline.name);
  const prefix = cdcTopicPrefix(claim.spec.engine, tenant).replace(/\.$/, '');
  return {
    'connector.class': capability.connectorClass,
    'tasks.max': '1',
    'plugin.name': 'pgoutput',
    'database.hostname': host,
    'database.port': String(port),
    'database.user': CDC_USER,
    'database.password': settings.secretReference(
      claim.metadata.namespace,
      secret.name,
      PASSWORD_KEY,
    ),
    'database.dbname': database,
    'slot.name': name,
    'publication.name': name,
    'publication.autocreate.mode': 'filtered',
    'table.include.list': pipeline.tables.map(exactly).join(','),
    'snapshot.mode': pipeline.snapshot === 'never' ? 'no_data' : 'initial',
    'topic.prefix': prefix,
    'heartbeat.interval.ms': '10000',
    // How long the task waits for more changes before it hands a batch to
    // Kafka: Debezium's 500 ms default is half the seed's 1 s target alone.
    'poll.interval.ms': '100',
    // A change event too large for its topic goes to the dead letter topic
    // as a record of why, with its key and position (connect/transforms).
    transforms: 'deadLetters',
    'transforms.deadLetters.type': DEAD_LETTER_TRANSFORM,
    'transforms.deadLetters.topic': pipelineDeadLetterTopic(
      claim,
      tenant,
      pipeline,
    ),
    'errors.tolerance': 'none',
    'errors.log.enable': 'true',
    // The change events as docs/cdc.md and the topics' AsyncAPI documents
    // describe them (plain JSON envelopes), whatever the worker's defaults.
    'key.converter': JSON_CONVERTER,
    'key.converter.schemas.enable': 'false',
    'value.converter': JSON_CONVERTER,
    'value.converter.schemas.enable': 'false',
  };
}
