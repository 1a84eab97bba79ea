import type { AuditEvent } from '@internal/backstage-plugin-dbaas-common';

/** A row of `audit_events`. */
export type RawAuditEventRow = {
  /** bigint: a string on PostgreSQL, a number on SQLite. */
  seq: number | string;
  id: string;
  tenant: string;
  organization: string | null;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  request_id: string;
  outcome: AuditEvent['outcome'];
  details: string | null;
  /** SQLite keeps timestamps as epoch milliseconds. */
  occurred_at: Date | string | number;
  published_at: Date | string | number | null;
};

export function toAuditEvent(row: Omit<RawAuditEventRow, 'seq'>): AuditEvent {
  return {
    id: row.id,
    tenant: row.tenant,
    ...(row.organization ? { organization: row.organization } : {}),
    actor: row.actor,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    requestId: row.request_id,
    outcome: row.outcome,
    ...(row.details ? { details: JSON.parse(row.details) } : {}),
    occurredAt: new Date(row.occurred_at).toISOString(),
  };
}
