import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { dbaasPlugin } from '../plugin';

// The way docs/observability.md has a PoP's Alertmanager call the portal: a
// static token of Backstage's external access, restricted to this plugin,
// whose subject dbaas.alerts.sources names. Backstage's real auth service
// checks it here, as in a deployment.
describe("an Alertmanager's external-access token", () => {
  const token = randomBytes(24).toString('base64');
  const otherTool = randomBytes(24).toString('base64');
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [
        dbaasPlugin,
        authServiceFactory,
        httpAuthServiceFactory,
        catalogServiceMock.factory({
          entities: examplePops.map(pop => popEntity(pop) as Entity),
        }),
        mockServices.rootConfig.factory({
          data: {
            backend: {
              auth: {
                externalAccess: [
                  {
                    type: 'static',
                    options: { token, subject: 'alertmanager-lagos' },
                    accessRestrictions: [{ plugin: 'dbaas' }],
                  },
                  // A token some other tool was given, without restrictions.
                  {
                    type: 'static',
                    options: { token: otherTool, subject: 'monitoring-tool' },
                  },
                ],
              },
            },
            dbaas: {
              permissions: { platformAdmins: ['group:default/platform'] },
              alerts: {
                sources: [{ subject: 'alertmanager-lagos', pops: ['lagos'] }],
              },
            },
          },
        }),
      ],
    });
  });

  afterAll(() => backend?.stop());

  const batch = {
    version: '4',
    status: 'firing',
    receiver: 'dbaas-portal',
    groupKey: '{}:{}',
    alerts: [
      {
        status: 'firing',
        labels: {
          alertname: 'DbaasDatabaseUnhealthy',
          dbaas_io_service_id: '00000000-0000-4000-8000-000000000000',
        },
        annotations: {},
        startsAt: '2026-12-04T10:00:00Z',
        fingerprint: '0123456789abcdef',
      },
    ],
  };

  it('is taken by the webhook', async () => {
    const res = await request(backend.server)
      .post('/api/dbaas/v1/alerts/alertmanager')
      .set('Authorization', `Bearer ${token}`)
      .send(batch);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      recorded: 0,
      ignored: [{ reason: 'about no database of the portal', alerts: 1 }],
    });
  });

  it('opens nothing else of the API', async () => {
    const res = await request(backend.server)
      .get('/api/dbaas/v1/services')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
  });

  it("opens no route at all when it is not an Alertmanager's", async () => {
    for (const [method, path] of [
      ['get', '/api/dbaas/v1/services'],
      ['get', '/api/dbaas/v1/organizations'],
      ['post', '/api/dbaas/v1/alerts/alertmanager'],
    ] as const) {
      const res = await request(backend.server)
        [method](path)
        .set('Authorization', `Bearer ${otherTool}`)
        .send(method === 'post' ? batch : undefined);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
  });

  it('is refused when it is not the configured one', async () => {
    const res = await request(backend.server)
      .post('/api/dbaas/v1/alerts/alertmanager')
      .set('Authorization', `Bearer ${randomBytes(24).toString('base64')}`)
      .send(batch);
    expect(res.status).toBe(401);
  });
});
