import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { POP_ENTITIES } from './__testUtils__/dbaasTestBackend';
import { dbaasPlugin } from './plugin';

describe('dbaasPlugin', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-plugin-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  async function start() {
    const { server } = await startTestBackend({
      features: [
        dbaasPlugin,
        // The PoPs the SKU catalog is offered in.
        catalogServiceMock.factory({ entities: POP_ENTITIES }),
        mockServices.rootConfig.factory({
          data: {
            dbaas: {
              gitops: { localPath: `${dataDir}/gitops.git` },
              permissions: { platformAdmins: ['group:default/platform'] },
            },
          },
        }),
      ],
    });
    return server;
  }

  it('serves the SKU catalog, filtered', async () => {
    const server = await start();

    const all = await request(server).get('/api/dbaas/v1/catalog/skus');
    expect(all.status).toBe(200);
    expect(all.body.items.map((s: { id: string }) => s.id)).toContain(
      'mongo-flex-sharded',
    );

    const filtered = await request(server).get(
      '/api/dbaas/v1/catalog/skus?engine=scylla&plan=global&region=singapore',
    );
    expect(filtered.status).toBe(200);
    expect(filtered.body.items).toEqual([
      expect.objectContaining({
        id: 'scy-ring-9',
        engine: 'scylla',
        plan: 'global',
        slaPercent: 99.95,
      }),
    ]);
  });

  it('answers a bad filter with 400 and says which and why', async () => {
    const server = await start();

    const response = await request(server).get(
      '/api/dbaas/v1/catalog/skus?engine=oracle',
    );

    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(
        /^Invalid SKU filter: engine: .*"yugabyte"/,
      ),
      details: {
        field: 'engine',
        constraint: expect.stringContaining('"postgresql"'),
      },
    });
  });

  it('requires a signed-in caller', async () => {
    const server = await start();

    const response = await request(server)
      .get('/api/dbaas/v1/catalog/skus')
      .set('Authorization', mockCredentials.none.header());

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('UNAUTHORIZED');
  });

  it('serves its OpenAPI document to a signed-in caller', async () => {
    const server = await start();

    const document = await request(server).get('/api/dbaas/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body).toMatchObject({
      openapi: '3.1.0',
      servers: [{ url: '/api/dbaas' }],
      paths: { '/v1/services/{id}': { get: expect.any(Object) } },
    });

    const anonymous = await request(server)
      .get('/api/dbaas/openapi.json')
      .set('Authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
  });

  it('creates the local GitOps repository on first start', async () => {
    await start();

    expect(fs.existsSync(`${dataDir}/gitops.git/HEAD`)).toBe(true);
  });
});
