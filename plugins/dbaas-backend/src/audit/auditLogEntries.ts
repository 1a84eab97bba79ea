import type {
  AuditEvent,
  AuditLogEntry,
} from '@internal/backstage-plugin-dbaas-common';
import type { ServiceStore } from '../database/ServiceStore';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The database an event is about, by id: its own events name it as their
 * resource (`database`, and `service` for its alerts), a backup's name it in
 * their details. A failed order has no id yet.
 */
function databaseIdOf(event: AuditEvent): string | undefined {
  const id =
    event.resourceType === 'backup'
      ? event.details?.serviceId
      : ['database', 'service'].includes(event.resourceType) &&
        event.resourceId;
  return typeof id === 'string' && UUID.test(id) ? id : undefined;
}

/**
 * The events with the database each is about, so that a reader can follow
 * one to its page: its name, and whether it is deleted since. One read per
 * database of the page, not per event.
 */
export async function auditLogEntries(
  services: Pick<ServiceStore, 'getService'>,
  events: AuditEvent[],
): Promise<AuditLogEntry[]> {
  const ids = [
    ...new Set(events.map(databaseIdOf).filter(id => id !== undefined)),
  ];
  const records = new Map(
    await Promise.all(
      ids.map(
        async id =>
          [
            id,
            await services.getService(id, undefined, { includeDeleted: true }),
          ] as const,
      ),
    ),
  );
  return events.map(event => {
    const id = databaseIdOf(event);
    const record = id ? records.get(id) : undefined;
    // An event names only its own tenant's databases; anything else is not
    // shown, whatever the event says.
    if (!record || record.tenant !== event.tenant) return event;
    return {
      ...event,
      database: {
        id: record.id,
        name: record.name,
        tenant: record.tenant,
        ...(record.deletedAt ? { deleted: true as const } : {}),
      },
    };
  });
}
