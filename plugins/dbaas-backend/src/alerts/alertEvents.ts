import {
  ALERT_TOPIC_PREFIX,
  tenantSlug,
  type AlertEvent,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { TopicMessages } from 'kafkajs';
import type { Outbox } from '../outbox/OutboxRelay';

/** A row of the alert outbox (`alert_events`). */
export type RawAlertEventRow = {
  seq: number | string;
  id: string;
  tenant: string;
  payload: string;
  occurred_at: Date | string;
  published_at: Date | string | null;
};

/** The Kafka topic of a tenant's alert events; throws for a tenant that is not a group. */
export function alertTopic(tenant: string): string {
  return `${ALERT_TOPIC_PREFIX}${tenantSlug(tenant)}`;
}

/** The header that carries the event id, for consumers that deduplicate on it. */
export const ALERT_EVENT_ID_HEADER = 'event-id';

/** Writes an alert event in the transaction that records the alert's change. */
export async function writeAlertEvent(
  tx: Knex.Transaction,
  event: Omit<AlertEvent, 'id' | 'occurredAt'>,
  now: Date,
): Promise<void> {
  const id = randomUUID();
  const payload: AlertEvent = { id, occurredAt: now.toISOString(), ...event };
  await tx<RawAlertEventRow>('alert_events').insert({
    id,
    tenant: event.tenant,
    payload: JSON.stringify(payload),
    occurred_at: now,
    published_at: null,
  });
}

/**
 * The alert outbox, which the relay publishes to `dbaas.alerts.{tenant}`. The
 * key is the database's id, so that one database's events keep their order
 * in a partition.
 */
export const alertOutbox: Outbox<RawAlertEventRow> = {
  name: 'Alert',
  table: 'alert_events',
  messages(rows) {
    const byTopic = new Map<string, TopicMessages>();
    for (const row of rows) {
      const topic = alertTopic(row.tenant);
      let group = byTopic.get(topic);
      if (!group) {
        group = { topic, messages: [] };
        byTopic.set(topic, group);
      }
      const event = JSON.parse(row.payload) as AlertEvent;
      group.messages.push({
        key: event.database.id,
        value: row.payload,
        headers: { [ALERT_EVENT_ID_HEADER]: row.id },
      });
    }
    return [...byTopic.values()];
  },
};
