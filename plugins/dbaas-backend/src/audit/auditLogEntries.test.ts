import type { AuditEvent } from '@internal/backstage-plugin-dbaas-common';
import type { ServiceRecord } from '../database/ServiceStore';
import { auditLogEntries } from './auditLogEntries';

const PAYMENTS = 'group:default/payments';
const ORDERS = '6f1c2a9e-0b7d-4e43-9a51-3c2d1e0f9a8b';
const GONE = '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b';
const FOREIGN = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

const event = (overrides: Partial<AuditEvent>): AuditEvent => ({
  id: 'e',
  tenant: PAYMENTS,
  actor: 'user:default/ada',
  action: 'service.update',
  resourceType: 'database',
  resourceId: ORDERS,
  requestId: 'r',
  outcome: 'succeeded',
  occurredAt: '2026-12-04T10:00:00.000Z',
  ...overrides,
});

const records: Record<string, Partial<ServiceRecord>> = {
  [ORDERS]: { id: ORDERS, name: 'orders', tenant: PAYMENTS },
  [GONE]: {
    id: GONE,
    name: 'old',
    tenant: PAYMENTS,
    deletedAt: '2026-12-01T00:00:00.000Z',
  },
  [FOREIGN]: { id: FOREIGN, name: 'ledger', tenant: 'group:default/ledger' },
};

describe('auditLogEntries', () => {
  it("names each event's database once per page, deleted ones as such, and no other tenant's", async () => {
    const getService = jest.fn(
      async (id: string) => records[id] as ServiceRecord | undefined,
    );

    const entries = await auditLogEntries({ getService }, [
      event({}),
      event({ action: 'alerts.mute', resourceType: 'service' }),
      event({
        action: 'backup.create',
        resourceType: 'backup',
        resourceId: 'b-1',
        details: { serviceId: ORDERS, type: 'manual' },
      }),
      event({ action: 'service.delete', resourceId: GONE }),
      // A failed order has no id; a role grant is about no database.
      event({ action: 'service.create', outcome: 'failed', resourceId: '' }),
      event({
        action: 'member.grant',
        resourceType: 'role-grant',
        resourceId: 'user:default/olu',
      }),
      // Whatever an event says, another tenant's database is not named.
      event({ resourceId: FOREIGN }),
    ]);

    const orders = { id: ORDERS, name: 'orders', tenant: PAYMENTS };
    expect(entries.map(e => e.database)).toEqual([
      orders,
      orders,
      orders,
      { id: GONE, name: 'old', tenant: PAYMENTS, deleted: true },
      undefined,
      undefined,
      undefined,
    ]);
    expect(getService.mock.calls.map(([id]) => id).sort()).toEqual(
      [ORDERS, GONE, FOREIGN].sort(),
    );
    expect(getService).toHaveBeenCalledWith(ORDERS, undefined, {
      includeDeleted: true,
    });
  });
});
