import type { TopicMessages } from 'kafkajs';
import { type RawAuditEventRow, toAuditEvent } from './auditEventRows';
import { auditTopic } from './auditTopic';
import type { Outbox } from '../outbox/OutboxRelay';

/** The header that carries the event id, for consumers that deduplicate on it. */
export const AUDIT_EVENT_ID_HEADER = 'event-id';

/**
 * Outbox rows as Kafka messages, one group per tenant topic, in the rows' order.
 * The key is the tenant, so that all of a tenant's events share a partition and
 * keep their order in it.
 */
export function auditMessages(rows: RawAuditEventRow[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const row of rows) {
    const topic = auditTopic(row.tenant);
    let group = byTopic.get(topic);
    if (!group) {
      group = { topic, messages: [] };
      byTopic.set(topic, group);
    }
    group.messages.push({
      key: row.tenant,
      value: JSON.stringify(toAuditEvent(row)),
      headers: { [AUDIT_EVENT_ID_HEADER]: row.id },
    });
  }
  return [...byTopic.values()];
}

/** The audit trail's outbox, which the relay publishes to `dbaas.audit.{tenant}`. */
export const auditOutbox: Outbox<RawAuditEventRow> = {
  name: 'Audit',
  table: 'audit_events',
  messages: auditMessages,
};
