import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import type { Knex } from 'knex';
import { AlertStore, type IncomingAlert } from '../alerts/AlertStore';
import { writeAuditEvent } from '../audit/auditOutbox';
import { migratedClient } from '../database/migrations';
import { pruneExpired, retentionFromConfig } from './startRetention';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const NOW = new Date('2026-12-05T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const TENANT = 'group:default/payments';
const service = {
  id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  tenant: TENANT,
  name: 'orders',
  engine: 'postgresql',
};

/** An alert that fired `startedDaysAgo` and, with `endedDaysAgo`, resolved. */
async function alert(
  store: AlertStore,
  fingerprint: string,
  startedDaysAgo: number,
  endedDaysAgo?: number,
) {
  const firing: IncomingAlert = {
    status: 'firing',
    fingerprint,
    labels: { alertname: 'DbaasDatabaseUnhealthy', severity: 'critical' },
    annotations: {},
    startsAt: daysAgo(startedDaysAgo).toISOString(),
  };
  await store.record(service, [firing]);
  if (endedDaysAgo !== undefined) {
    await store.record(service, [
      {
        ...firing,
        status: 'resolved',
        endsAt: daysAgo(endedDaysAgo).toISOString(),
      },
    ]);
  }
}

/** An audit event of `action`, as old and as published as told. */
async function auditEvent(
  db: Knex,
  action: string,
  occurredDaysAgo: number,
  published: boolean,
) {
  const event = await writeAuditEvent(db, {
    tenant: TENANT,
    actor: 'user:default/ada',
    action,
    resourceType: 'database',
    resourceId: service.id,
    requestId: action,
    outcome: 'succeeded',
  });
  await db('audit_events')
    .where({ id: event.id })
    .update({
      occurred_at: daysAgo(occurredDaysAgo),
      published_at: published ? daysAgo(occurredDaysAgo) : null,
    });
}

describe.each(databases.eachSupportedId())('retention on %s', databaseId => {
  async function setUp() {
    const db = await migratedClient(
      mockServices.database({ knex: await databases.init(databaseId) }),
    );
    const alerts = new AlertStore(db);
    await auditEvent(db, 'old.published', 400, true);
    await auditEvent(db, 'old.unpublished', 400, false);
    await auditEvent(db, 'old.published.too', 366, true);
    await auditEvent(db, 'recent', 10, true);
    await alert(alerts, 'still-firing', 200);
    await alert(alerts, 'resolved-long-ago', 120, 100);
    await alert(alerts, 'resolved-long-ago-too', 95, 91);
    await alert(alerts, 'resolved-lately', 12, 10);
    // The alert events: published, and as old as their alerts' ends.
    await db('alert_events').update({
      occurred_at: daysAgo(100),
      published_at: daysAgo(100),
    });
    const [{ seq: newest }] = await db('alert_events')
      .orderBy('seq', 'desc')
      .limit(1);
    await db('alert_events')
      .where({ seq: newest })
      .update({ occurred_at: daysAgo(10) });
    // One old event the relay has not published yet.
    const [{ seq: oldest }] = await db('alert_events').orderBy('seq').limit(1);
    await db('alert_events')
      .where({ seq: oldest })
      .update({ published_at: null });
    return { db, alerts };
  }
  const retention = { auditDays: 365, alertDays: 90 };
  const left = async (db: Knex) => ({
    audit: (await db('audit_events').orderBy('seq')).map(e => e.action),
    alerts: (await db('service_alerts').orderBy('fingerprint')).map(
      a => a.fingerprint,
    ),
    alertEvents: Number((await db('alert_events').count({ n: '*' }))[0].n),
  });

  it('deletes what outlived its retention, a batch at a time, but no unpublished event while a relay publishes', async () => {
    const { db, alerts } = await setUp();
    expect((await left(db)).alertEvents).toBe(7);

    const pruned = await pruneExpired(
      { db, alerts, published: { audit: true, alerts: true }, retention },
      NOW,
      1,
    );

    expect(pruned).toEqual({ auditEvents: 2, alerts: 2, alertEvents: 5 });
    expect(await left(db)).toEqual({
      audit: ['old.unpublished', 'recent'],
      alerts: ['resolved-lately', 'still-firing'],
      // The unpublished one, and the newest.
      alertEvents: 2,
    });
    // A second pass finds nothing more.
    expect(
      await pruneExpired(
        { db, alerts, published: { audit: true, alerts: true }, retention },
        NOW,
      ),
    ).toEqual({ auditEvents: 0, alerts: 0, alertEvents: 0 });
  });

  it('deletes old unpublished events when no relay will ever publish them', async () => {
    const { db, alerts } = await setUp();
    await pruneExpired(
      { db, alerts, published: { audit: false, alerts: false }, retention },
      NOW,
    );
    expect(await left(db)).toEqual({
      audit: ['recent'],
      alerts: ['resolved-lately', 'still-firing'],
      alertEvents: 1,
    });
  });
});

describe('retention config', () => {
  const read = (data: object) =>
    retentionFromConfig(mockServices.rootConfig({ data: { dbaas: data } }));

  it('keeps audit events a year and alerts 90 days by default', () => {
    expect(read({})).toEqual({ auditDays: 365, alertDays: 90 });
    expect(
      read({ audit: { retentionDays: 730 }, alerts: { retentionDays: 30 } }),
    ).toEqual({ auditDays: 730, alertDays: 30 });
  });

  it('refuses a retention that would delete what the API still shows', () => {
    expect(() => read({ alerts: { retentionDays: 3 } })).toThrow(
      'dbaas.alerts.retentionDays must be a whole number of days, at least 7; it is 3',
    );
    expect(() => read({ audit: { retentionDays: 0.5 } })).toThrow(
      'dbaas.audit.retentionDays must be a whole number of days, at least 1; it is 0.5',
    );
  });
});
