import { parseEntityRef } from '@backstage/catalog-model';
import { fnv1a } from '../entity/fnv1a';

const MAX_NAME_LENGTH = 63;
const TOPIC_PREFIX = /^dbaas\.cdc\./;
// A topic the catalog can take as it is: its entity names are compared
// without case, and must start and end with a letter or digit.
const AS_IT_IS = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

/**
 * Where a CDC topic's API entity sits in the catalog: the namespace of the
 * tenant's group (as its database's entity), and a name that is the topic's
 * own whenever the catalog can take it, e.g.
 * `dbaas.cdc.postgresql.payments.public.orders`, so that people can write
 * `consumesApis: [api:dbaas.cdc.postgresql.payments.public.orders]` from the
 * topic they read.
 *
 * The name follows the topic alone, not its database or pipeline: a table
 * moved to another pipeline, or to another database of the tenant, keeps its
 * topic, and its consumers' references keep working. Topics are unique (the
 * API refuses a second database capturing a table of the same name), so
 * names are too.
 *
 * Otherwise (longer than 63 characters, a table with capitals, which the
 * catalog would confuse with the same name in lower case, or ending on an
 * underscore) the name is the topic without its `dbaas.cdc.` prefix, in lower
 * case, cut to its last 54 characters (the table's end is what tells topics
 * apart), then `-` and the FNV-1a hash of the exact topic (8 hex digits), e.g.
 * `settlements-europe.accounting.general_ledger_entries_2026-38c8057f`. Such a
 * name never equals a topic's: it ends in a hyphen and hex digits with no dot
 * between, and a topic ends in a table's name, which holds no hyphen
 * (cdcTableSchema). Two such names are the same only when two topics end in
 * the same 54 characters (in lower case) and share their 32-bit hash.
 *
 * @param tenantRef - the tenant's group reference, as `ServiceSummary.tenant`.
 * @param topic - the topic as cdcTopic makes it.
 * @public
 */
export function cdcTopicEntityName(
  tenantRef: string,
  topic: string,
): { namespace: string; name: string } {
  const { namespace } = parseEntityRef(tenantRef);
  if (topic.length <= MAX_NAME_LENGTH && AS_IT_IS.test(topic)) {
    return { namespace, name: topic };
  }
  const hash = fnv1a(topic);
  const readable = topic
    .toLowerCase()
    .replace(TOPIC_PREFIX, '')
    .slice(-(MAX_NAME_LENGTH - hash.length - 1))
    // Table names may hold underscores and dots; the cut must not end on one.
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return { namespace, name: readable ? `${readable}-${hash}` : hash };
}
