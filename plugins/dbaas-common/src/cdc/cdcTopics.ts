import type { EngineId } from '../catalog/schema';

/** How long a CDC topic keeps its changes (the seed's retention for CDC topics). @public */
export const CDC_TOPIC_RETENTION_MS = 7 * 24 * 3_600_000;

/**
 * Where every topic of a tenant's changes from an engine starts: what the
 * tenant's principal may read (its ACLs are on this prefix). `tenant` is the
 * tenant's slug (tenantSlug, what its namespace `tenant-<slug>` ends with):
 * slugs are DNS labels, so no tenant's prefix is another's.
 * @public
 */
export function cdcTopicPrefix(engine: EngineId, tenant: string): string {
  return `dbaas.cdc.${engine}.${tenant}.`;
}

/**
 * The topic of a captured table, exactly as the seed's topic design names it:
 * `dbaas.cdc.{engine}.{tenant}.{table's parts}`, e.g.
 * `dbaas.cdc.postgresql.acme.public.orders`. It has no database in it, so two
 * databases of a tenant cannot capture a table of the same name (the API
 * refuses the second).
 * @public
 */
export function cdcTopic(
  engine: EngineId,
  tenant: string,
  table: string,
): string {
  return `${cdcTopicPrefix(engine, tenant)}${table}`;
}

/**
 * A pipeline's dead letter topic, for the changes its connector could not
 * write. Under the tenant's prefix; its `dlq-` part has a hyphen, which no
 * table's name in a topic has (cdcTableSchema), so it is never a table's topic.
 * @public
 */
export function cdcDeadLetterTopic(
  engine: EngineId,
  tenant: string,
  database: string,
  pipeline: string,
): string {
  return `${cdcTopicPrefix(engine, tenant)}dlq-${database}-${pipeline}`;
}
