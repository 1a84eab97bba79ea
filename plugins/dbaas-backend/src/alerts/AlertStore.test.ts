import { TestDatabases } from '@backstage/backend-test-utils';
import { mockServices } from '@backstage/backend-test-utils';
import type { AlertEvent } from '@internal/backstage-plugin-dbaas-common';
import { withTestPostgres } from '@internal/test-services';
import { migratedClient } from '../database/migrations';
import { alertOutbox, type RawAlertEventRow } from './alertEvents';
import { AlertStore, type IncomingAlert } from './AlertStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const service = {
  id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  tenant: 'group:default/payments',
  name: 'orders',
  engine: 'postgresql',
};

const firing: IncomingAlert = {
  status: 'firing',
  fingerprint: '0123456789abcdef',
  labels: {
    alertname: 'DbaasDatabaseUnhealthy',
    severity: 'critical',
    dbaas_io_service_id: service.id,
  },
  annotations: { summary: 'orders is not ready' },
  startsAt: '2026-12-04T10:00:00Z',
};
const resolved: IncomingAlert = {
  ...firing,
  status: 'resolved',
  endsAt: '2026-12-04T10:05:00Z',
};

// Alertmanager repeats itself, and its cluster's members may each send the
// same alert to different replicas at once: one firing, one resolution,
// one event of each on the tenant's topic.
describe.each(databases.eachSupportedId())('AlertStore on %s', databaseId => {
  it('records each firing and each resolution once, however often and concurrently sent', async () => {
    const db = await migratedClient(
      mockServices.database({ knex: await databases.init(databaseId) }),
    );
    const store = new AlertStore(db);

    const fired = await Promise.all(
      Array.from({ length: 5 }, () => store.record(service, [firing])),
    );
    expect(fired.flat()).toHaveLength(1);
    expect(fired.flat()[0]).toMatchObject({
      notify: true,
      alert: { status: 'firing', name: 'DbaasDatabaseUnhealthy' },
    });

    const ended = await Promise.all(
      Array.from({ length: 5 }, () => store.record(service, [resolved])),
    );
    expect(ended.flat()).toHaveLength(1);
    expect(ended.flat()[0]).toMatchObject({
      notify: true,
      alert: { status: 'resolved', endsAt: '2026-12-04T10:05:00.000Z' },
    });

    const events = await db<RawAlertEventRow>('alert_events').orderBy('seq');
    expect(events).toHaveLength(2);
    const [message] = alertOutbox.messages(events);
    expect(message.topic).toBe('dbaas.alerts.payments');
    expect(
      message.messages.map(
        m => (JSON.parse(String(m.value)) as AlertEvent).alert.status,
      ),
    ).toEqual(['firing', 'resolved']);
    expect(message.messages[0].key).toBe(service.id);

    // A resolution of a firing nobody heard: kept, told to nobody.
    const [missed] = await store.record(service, [
      { ...resolved, fingerprint: 'fedcba9876543210' },
    ]);
    expect(missed).toMatchObject({ notify: false });
    const list = await store.list(service.id);
    expect(list.firing).toEqual([]);
    expect(list.recent).toHaveLength(2);
  });

  it('records alerts fired during a mute as muted, and tells nobody of them', async () => {
    const db = await migratedClient(
      mockServices.database({ knex: await databases.init(databaseId) }),
    );
    let now = new Date('2026-12-04T10:00:00Z');
    const store = new AlertStore(db, () => now);
    await store.mute(
      service.id,
      {
        until: '2026-12-04T11:00:00Z',
        reason: 'maintenance',
        mutedBy: 'user:default/ada',
      },
      async () => undefined,
    );
    const [during] = await store.record(service, [firing]);
    expect(during).toMatchObject({ notify: false, alert: { muted: true } });
    // Its resolution is not told either, even after the mute ended.
    now = new Date('2026-12-04T12:00:00Z');
    expect((await store.list(service.id)).mute).toBeUndefined();
    const [after] = await store.record(service, [resolved]);
    expect(after).toMatchObject({ notify: false });
    const [next] = await store.record(service, [
      { ...firing, startsAt: '2026-12-04T12:00:00Z' },
    ]);
    expect(next).toMatchObject({ notify: true, alert: { muted: false } });
  });
});
