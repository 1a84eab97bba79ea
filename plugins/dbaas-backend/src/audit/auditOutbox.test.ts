import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { AuditEvent } from '@internal/backstage-plugin-dbaas-common';
import { withTestPostgres } from '@internal/test-services';
import { migratedClient } from '../database/migrations';
import {
  type AuditEventInput,
  listAuditEvents,
  writeAuditEvent,
} from './auditOutbox';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const payments = 'group:default/payments';
const checkout = 'group:default/checkout';

function input(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    tenant: payments,
    actor: 'user:default/ada',
    action: 'service.create',
    resourceType: 'service',
    resourceId: 'ledger',
    requestId: 'req-1',
    outcome: 'succeeded',
    ...overrides,
  };
}

// Distinct milliseconds, so that `since` has a boundary to cut at.
const tick = () => new Promise(resolve => setTimeout(resolve, 3));

describe.each(databases.eachSupportedId())('audit outbox on %s', id => {
  async function migrated() {
    const knex = await databases.init(id);
    return migratedClient(mockServices.database({ knex }));
  }

  it('stores the event of a committed mutation and none of a rolled back one', async () => {
    const db = await migrated();

    await expect(
      db.transaction(async tx => {
        await writeAuditEvent(tx, input({ resourceId: 'rolled-back' }));
        throw new Error('quota exceeded');
      }),
    ).rejects.toThrow('quota exceeded');
    const committed = await db.transaction(tx =>
      writeAuditEvent(
        tx,
        input({
          resourceId: 'kept',
          outcome: 'failed',
          details: { reason: 'quota', requested: { instances: 11 } },
        }),
      ),
    );

    const page = await listAuditEvents(db, {
      tenant: payments,
      page: 1,
      limit: 20,
    });
    expect(page).toEqual({
      data: [committed],
      pagination: { page: 1, limit: 20, total: 1 },
    });
    expect(committed).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tenant: payments,
      actor: 'user:default/ada',
      action: 'service.create',
      resourceType: 'service',
      resourceId: 'kept',
      requestId: 'req-1',
      outcome: 'failed',
      details: { reason: 'quota', requested: { instances: 11 } },
      occurredAt: expect.any(String),
    });
  });

  it('pages through one tenant newest first, filtered by action and time, never showing another tenant', async () => {
    const db = await migrated();
    const written = [];
    for (let i = 0; i < 5; i++) {
      written.push(
        await writeAuditEvent(
          db,
          input({
            action: i % 2 ? 'service.delete' : 'service.create',
            resourceId: `db-${i}`,
          }),
        ),
      );
      await writeAuditEvent(db, input({ tenant: checkout }));
      await tick();
    }
    const newestFirst = written.map(e => e.resourceId).reverse();

    const first = await listAuditEvents(db, {
      tenant: payments,
      page: 1,
      limit: 2,
    });
    const last = await listAuditEvents(db, {
      tenant: payments,
      page: 3,
      limit: 2,
    });
    expect(first.data.map(e => e.resourceId)).toEqual(newestFirst.slice(0, 2));
    expect(last.data.map(e => e.resourceId)).toEqual(newestFirst.slice(4));
    expect(first.pagination).toEqual({ page: 1, limit: 2, total: 5 });

    const deletes = await listAuditEvents(db, {
      tenant: payments,
      page: 1,
      limit: 20,
      action: 'service.delete',
    });
    expect(deletes.data.map(e => e.resourceId)).toEqual(['db-3', 'db-1']);
    expect(deletes.pagination.total).toBe(2);

    const recent = await listAuditEvents(db, {
      tenant: payments,
      page: 1,
      limit: 20,
      since: written[2].occurredAt,
    });
    expect(recent.data.map(e => e.resourceId)).toEqual([
      'db-4',
      'db-3',
      'db-2',
    ]);

    const other = await listAuditEvents(db, {
      tenant: checkout,
      page: 1,
      limit: 20,
    });
    expect(other.pagination.total).toBe(5);
    expect(other.data.every(e => e.tenant === checkout)).toBe(true);
  });

  it("lists an organization's events, its own and its tenants', filtered by actor and a time range", async () => {
    const db = await migrated();
    const acme = 'group:default/acme';
    const written: AuditEvent[] = [];
    for (const [tenant, actor] of [
      [payments, 'user:default/ada'],
      [acme, 'user:default/root'],
      [checkout, 'user:default/kwame'],
      [payments, 'user:default/kwame'],
    ]) {
      written.push(
        await writeAuditEvent(db, input({ tenant, actor, organization: acme })),
      );
      await tick();
    }
    await writeAuditEvent(
      db,
      input({
        tenant: 'group:default/ledger',
        organization: 'group:default/globex',
      }),
    );
    const list = (query: object) =>
      listAuditEvents(db, { page: 1, limit: 20, ...query }).then(page =>
        page.data.map(e => `${e.tenant} ${e.actor}`),
      );
    const label = (i: number) => `${written[i].tenant} ${written[i].actor}`;

    expect(await list({ organization: acme })).toEqual([3, 2, 1, 0].map(label));
    expect(await list({ organization: acme, tenant: acme })).toEqual([
      label(1),
    ]);
    expect(
      await list({ organization: acme, actor: 'user:default/kwame' }),
    ).toEqual([label(3), label(2)]);
    expect(
      await list({
        organization: acme,
        since: written[1].occurredAt,
        until: written[2].occurredAt,
      }),
    ).toEqual([label(2), label(1)]);
    expect(
      await list({ tenant: payments, until: written[0].occurredAt }),
    ).toEqual([label(0)]);
  });

  it('refuses a tenant that is not a group, which the relay could not route', async () => {
    const db = await migrated();

    await expect(
      writeAuditEvent(db, input({ tenant: 'user:default/ada' })),
    ).rejects.toThrow('Not a group reference: user:default/ada');
  });
});
