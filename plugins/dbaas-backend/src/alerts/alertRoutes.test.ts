import { mockCredentials } from '@backstage/backend-test-utils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import type { AlertmanagerWebhook } from '@internal/backstage-plugin-dbaas-common';
import request from 'supertest';
import {
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(120_000);

const ADA = 'user:default/ada'; // of payments
const KWAME = 'user:default/kwame'; // of checkout, another tenant

type Notification = {
  payload: {
    title: string;
    description?: string;
    link?: string;
    severity?: string;
    topic?: string;
  };
};

/** The Authorization header of an Alertmanager calling with an external-access token. */
const alertmanager = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'dbaas',
  });

function alert(
  serviceId: string,
  overrides: Partial<AlertmanagerWebhook['alerts'][number]> = {},
): AlertmanagerWebhook['alerts'][number] {
  return {
    status: 'firing',
    labels: {
      alertname: 'DbaasDatabaseDiskHigh',
      severity: 'warning',
      dbaas_io_service_id: serviceId,
      namespace: 'tenant-payments',
      engine: 'postgresql',
    },
    annotations: {
      summary: 'Disk 91% full',
      description: 'The volumes of the database are 91% full.',
      runbook_url: 'https://docs.example.com/runbooks/postgresql#disk',
    },
    startsAt: '2026-12-04T10:00:00Z',
    endsAt: '0001-01-01T00:00:00Z',
    fingerprint: 'a1b2c3d4e5f60718',
    ...overrides,
  };
}

const batch = (
  alerts: AlertmanagerWebhook['alerts'],
  status: 'firing' | 'resolved' = 'firing',
): AlertmanagerWebhook => ({
  version: '4',
  status,
  receiver: 'dbaas-portal',
  groupKey: '{}:{alertname="DbaasDatabaseDiskHigh"}',
  alerts,
});

// Alerts from a PoP's Alertmanager reach the database's team once per firing
// and once per resolution, are shown on the database, and can be muted; the
// webhook takes them only from the Alertmanagers configured for the PoPs the
// database runs in. (Each plugin on its own SQLite database: the real
// notifications backend migrates its own. AlertStore.test.ts holds the store
// to the same on PostgreSQL.)
describe('alerts from Alertmanager', () => {
  let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
  let ours: string;
  let theirs: string;

  const api = (user: string) => ({
    get: (path: string) =>
      request(backend.server)
        .get(`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(user)),
    put: (path: string, body: object) =>
      request(backend.server)
        .put(`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(user))
        .send(body),
    delete: (path: string) =>
      request(backend.server)
        .delete(`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(user)),
  });
  const send = (authorization: string, body: unknown) =>
    request(backend.server)
      .post('/api/dbaas/v1/alerts/alertmanager')
      .set('Authorization', authorization)
      .send(body as object);
  const inbox = async (user: string) => {
    const res = await request(backend.server)
      .get('/api/notifications/notifications')
      .set('Authorization', backend.as(user));
    expect(res.status).toBe(200);
    return res.body.notifications as Notification[];
  };

  beforeAll(async () => {
    backend = await startDbaasBackend({
      config: {
        alerts: {
          sources: [
            { subject: 'alertmanager-lagos', pops: ['lagos'] },
            { subject: 'alertmanager-frankfurt', pops: ['frankfurt'] },
          ],
        },
      },
      rootConfig: { app: { baseUrl: 'http://localhost:3000' } },
      features: [notificationsPlugin],
    });
    const create = async (user: string, tenant: string, name: string) => {
      const res = await request(backend.server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', backend.as(user))
        .send({
          name,
          tenant,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    ours = await create(ADA, PAYMENTS, 'orders');
    theirs = await create(KWAME, CHECKOUT, 'carts');
  });

  afterAll(() => backend?.stop());

  it('tells the team once when an alert fires and once when it resolves', async () => {
    const fired = await send(
      alertmanager('alertmanager-lagos'),
      batch([alert(ours)]),
    );
    expect(fired.status).toBe(200);
    expect(fired.body).toEqual({ recorded: 1, ignored: [] });

    const [notification] = await inbox(ADA);
    expect(notification.payload).toMatchObject({
      title: 'DbaasDatabaseDiskHigh on orders',
      severity: 'high',
      topic: 'dbaas-alerts',
      link: '/catalog/default/resource/payments.orders',
      description: expect.stringContaining(
        'Runbook: https://docs.example.com/runbooks/postgresql#disk',
      ),
    });
    expect(await inbox(KWAME)).toEqual([]);

    // Alertmanager repeats a firing alert every repeat_interval.
    await send(alertmanager('alertmanager-lagos'), batch([alert(ours)]));
    expect(await inbox(ADA)).toHaveLength(1);

    const shown = await api(ADA).get(`/services/${ours}/alerts`);
    expect(shown.status).toBe(200);
    expect(shown.body.firing).toEqual([
      expect.objectContaining({
        name: 'DbaasDatabaseDiskHigh',
        severity: 'warning',
        status: 'firing',
        summary: 'Disk 91% full',
        runbookUrl: 'https://docs.example.com/runbooks/postgresql#disk',
        startsAt: '2026-12-04T10:00:00.000Z',
        muted: false,
      }),
    ]);
    expect((await api(KWAME).get(`/services/${ours}/alerts`)).status).toBe(404);

    const resolved = await send(
      alertmanager('alertmanager-lagos'),
      batch(
        [alert(ours, { status: 'resolved', endsAt: '2026-12-04T10:20:00Z' })],
        'resolved',
      ),
    );
    expect(resolved.body.recorded).toBe(1);
    const after = await inbox(ADA);
    expect(after).toHaveLength(1);
    expect(after[0].payload).toMatchObject({
      title: 'Resolved: DbaasDatabaseDiskHigh on orders',
      severity: 'normal',
    });
    // Resolutions repeat too.
    await send(
      alertmanager('alertmanager-lagos'),
      batch([
        alert(ours, { status: 'resolved', endsAt: '2026-12-04T10:20:00Z' }),
      ]),
    );
    expect(await inbox(ADA)).toHaveLength(1);
    const history = (await api(ADA).get(`/services/${ours}/alerts`)).body;
    expect(history.firing).toEqual([]);
    expect(history.recent).toEqual([
      expect.objectContaining({
        status: 'resolved',
        endsAt: '2026-12-04T10:20:00.000Z',
      }),
    ]);
  });

  it('takes alerts only from the Alertmanagers of the PoPs the database runs in', async () => {
    // A user, a plugin not listed, and no token at all.
    expect((await send(backend.as(ADA), batch([alert(ours)]))).status).toBe(
      403,
    );
    expect(
      (await send(alertmanager('alertmanager-elsewhere'), batch([alert(ours)])))
        .status,
    ).toBe(403);
    expect(
      (
        await request(backend.server)
          .post('/api/dbaas/v1/alerts/alertmanager')
          .send(batch([alert(ours)]))
      ).status,
    ).toBe(401);

    // An Alertmanager's token opens nothing but the webhook.
    const asAlertmanager = (method: 'get' | 'delete', path: string) =>
      request(backend.server)
        [method](`/api/dbaas/v1${path}`)
        .set('Authorization', alertmanager('alertmanager-lagos'));
    expect((await asAlertmanager('get', '/services')).status).toBe(403);
    expect((await asAlertmanager('get', `/services/${ours}`)).status).toBe(403);
    expect((await asAlertmanager('delete', `/services/${ours}`)).status).toBe(
      403,
    );
    expect((await api(ADA).get(`/services/${ours}`)).status).toBe(200);

    // Frankfurt's Alertmanager speaks for frankfurt, not for a lagos database.
    const forged = await send(
      alertmanager('alertmanager-frankfurt'),
      batch([alert(theirs, { fingerprint: 'ffff0001' })]),
    );
    expect(forged.status).toBe(200);
    expect(forged.body).toEqual({
      recorded: 0,
      ignored: [
        {
          reason: "about a database in none of alertmanager-frankfurt's PoPs",
          alerts: 1,
        },
      ],
    });
    // Alerts about no database, or naming none, are set aside too.
    const strays = await send(
      alertmanager('alertmanager-lagos'),
      batch([
        alert('00000000-0000-4000-8000-000000000000', {
          fingerprint: 'ffff0002',
        }),
        {
          ...alert(theirs, { fingerprint: 'ffff0003' }),
          labels: { alertname: 'Watchdog' },
        },
      ]),
    );
    expect(strays.body.recorded).toBe(0);
    expect(strays.body.ignored).toHaveLength(2);
    expect(
      (await api(KWAME).get(`/services/${theirs}/alerts`)).body.firing,
    ).toEqual([]);
    expect(await inbox(KWAME)).toEqual([]);
  });

  it('refuses a body that is not an Alertmanager payload, naming the field', async () => {
    const res = await send(alertmanager('alertmanager-lagos'), {
      ...batch([alert(ours)]),
      version: '3',
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('version');
  });

  it('lets the team mute a database for a while, audited, and tells nobody meanwhile', async () => {
    expect(
      (
        await api(KWAME).put(`/services/${ours}/alerts/mute`, {
          minutes: 60,
          reason: 'mine now',
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(ADA).put(`/services/${ours}/alerts/mute`, {
          minutes: 0,
          reason: 'x',
        })
      ).status,
    ).toBe(400);
    const muted = await api(ADA).put(`/services/${ours}/alerts/mute`, {
      minutes: 60,
      reason: 'migrating the volumes',
    });
    expect(muted.status).toBe(200);
    expect(muted.body).toMatchObject({
      reason: 'migrating the volumes',
      mutedBy: ADA,
    });
    const before = (await inbox(ADA)).length;
    await send(
      alertmanager('alertmanager-lagos'),
      batch([
        alert(ours, {
          fingerprint: 'beef0001',
          startsAt: '2026-12-04T11:00:00Z',
        }),
      ]),
    );
    expect(await inbox(ADA)).toHaveLength(before);
    const shown = (await api(ADA).get(`/services/${ours}/alerts`)).body;
    expect(shown.mute).toMatchObject({ reason: 'migrating the volumes' });
    expect(shown.firing).toEqual([expect.objectContaining({ muted: true })]);

    expect(
      (await api(ADA).delete(`/services/${ours}/alerts/mute`)).status,
    ).toBe(204);
    expect(
      (await api(ADA).get(`/services/${ours}/alerts`)).body.mute,
    ).toBeUndefined();
    // The platform's admins read the audit log.
    const audit = await api('user:default/root').get(
      `/audit-logs?tenant=${encodeURIComponent(PAYMENTS)}`,
    );
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['alerts.mute', 'alerts.unmute']),
    );
    // Told again: the next firing reaches the team.
    await send(
      alertmanager('alertmanager-lagos'),
      batch([
        alert(ours, {
          fingerprint: 'beef0002',
          startsAt: '2026-12-04T12:00:00Z',
        }),
      ]),
    );
    expect(await inbox(ADA)).toHaveLength(before + 1);
  });
});
