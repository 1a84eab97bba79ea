import request from 'supertest';
import { engineBackups } from '@internal/backstage-plugin-dbaas-common';
import {
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';

describe('the /v1/services API', () => {
  let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
  beforeEach(async () => {
    backend = await startDbaasBackend();
  });
  afterEach(() => backend.stop());

  const create = (body: object, user = ADA) =>
    request(backend.server)
      .post('/api/dbaas/v1/services')
      .set('Authorization', backend.as(user))
      .send(body);

  it('creates a database from its engine, plan and region, with the seed\u2019s config on top', async () => {
    const response = await create({
      name: 'orders',
      tenant: PAYMENTS,
      engine: 'yugabyte',
      plan: 'dedicated',
      region: 'lagos',
      config: {
        storageSize: '500Gi',
        replicationFactor: 3,
        backup: { enabled: true, schedule: '0 2 * * *' },
      },
    });

    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      name: 'orders',
      tenant: PAYMENTS,
      organization: 'group:default/acme',
      engine: 'yugabyte',
      plan: 'dedicated',
      region: 'lagos',
      status: 'pending',
      generation: 1,
      connection: null,
      createdBy: ADA,
      config: {
        storage: { size: '500Gi' },
        replication: { factor: 3 },
        backup: { enabled: true, schedule: '0 2 * * *' },
      },
    });
    expect(response.headers.location).toBe(`services/${response.body.id}`);

    const fetched = await request(backend.server)
      .get(`/api/dbaas/v1/services/${response.body.id}`)
      .set('Authorization', backend.as(ADA));
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(response.body);
  });

  it('answers a dry run with what would be ordered, and orders nothing', async () => {
    const body = {
      name: 'orders',
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
    };
    const dryRun = (query: string) =>
      request(backend.server)
        .post(`/api/dbaas/v1/services?${query}`)
        .set('Authorization', backend.as(ADA))
        .send(body);

    const preview = await dryRun('dryRun=true');
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      dryRun: true,
      tenant: PAYMENTS,
      claimPath: 'tenants/payments/orders.yaml',
      footprint: { instances: 1 },
      quota: { usage: { instances: 0 } },
      quotaLeftAfter: { instances: 9 },
    });
    const listed = await request(backend.server)
      .get('/api/dbaas/v1/services')
      .set('Authorization', backend.as(ADA));
    expect(listed.body.pagination.total).toBe(0);

    expect((await dryRun('dryRun=yes')).body.error.details).toMatchObject({
      field: 'dryRun',
    });
    expect((await dryRun('preview=true')).status).toBe(400);
    expect((await dryRun('dryRun=false')).status).toBe(201);
  });

  it('names the config field a rule is broken through, as the seed\u2019s error example does', async () => {
    const response = await create({
      name: 'orders',
      tenant: PAYMENTS,
      engine: 'yugabyte',
      plan: 'dedicated',
      region: 'lagos',
      config: { storageSize: '50Gi', replicationFactor: 2 },
    });

    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(
      /^Invalid database config: config\.storageSize: Must be between 100Gi and 10Ti; config\.replicationFactor: [^;]*$/,
    );
    expect(response.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: {
        field: 'config.storageSize',
        constraint: 'Must be between 100Gi and 10Ti',
        violations: expect.arrayContaining([
          {
            field: 'config.replicationFactor',
            constraint: expect.stringContaining('odd'),
          },
        ]),
      },
    });
  });

  it('takes the caller’s one tenant when a create names none, and names the choices otherwise', async () => {
    // The seed requirements' own example: no tenant.
    const seedExample = {
      name: 'orders',
      engine: 'postgresql',
      plan: 'dedicated',
      region: 'lagos',
    };
    const mine = await create(seedExample);
    expect(mine.status).toBe(201);
    expect(mine.body.tenant).toBe(PAYMENTS);

    // A platform admin may create in every tenant: which one is for them to say.
    const several = await create(seedExample, 'user:default/root');
    expect(several.status).toBe(400);
    expect(several.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: {
        field: 'tenant',
        constraint: expect.stringMatching(
          /^is required: you may create databases in \d+ tenants \(.*group:default\/payments.*\)$/,
        ),
      },
    });
    expect(several.body.error.details.constraint).toContain(
      'group:default/ledger',
    );

    // No tenant at all: said as such, not a 403 for a tenant nobody named.
    const none = await create(seedExample, 'user:default/lena');
    expect(none.status).toBe(400);
    expect(none.body.error.details).toMatchObject({
      field: 'tenant',
      constraint: 'is required, and you may create databases in no tenant',
    });
    // A tenant named stays the caller's to prove.
    const named = await create(
      { ...seedExample, name: 'other', tenant: 'group:default/checkout' },
      ADA,
    );
    expect(named.status).toBe(403);
  });

  it('lists only what the caller may see, with filters and pages', async () => {
    for (const name of ['a1', 'a2', 'a3']) {
      expect(
        (
          await create({
            name,
            tenant: PAYMENTS,
            engine: 'postgresql',
            plan: 'shared',
            region: 'lagos',
          })
        ).status,
      ).toBe(201);
    }
    expect(
      (
        await create(
          {
            name: 'k1',
            tenant: CHECKOUT,
            engine: 'postgresql',
            plan: 'shared',
            region: 'lagos',
          },
          'user:default/kwame',
        )
      ).status,
    ).toBe(201);

    const page = await request(backend.server)
      .get('/api/dbaas/v1/services?limit=2&page=2&engine=postgresql')
      .set('Authorization', backend.as(ADA));
    expect(page.status).toBe(200);
    expect(page.body.pagination).toEqual({ page: 2, limit: 2, total: 3 });
    expect(page.body.data).toHaveLength(1);

    const all = await request(backend.server)
      .get('/api/dbaas/v1/services?limit=100')
      .set('Authorization', backend.as('user:default/root'));
    expect(all.body.pagination.total).toBe(4);

    const none = await request(backend.server)
      .get('/api/dbaas/v1/services')
      .set('Authorization', backend.as('user:default/lena'));
    expect(none.body).toEqual({
      data: [],
      pagination: { page: 1, limit: 20, total: 0 },
    });
  });

  it('changes config, refuses shrinking storage and bumps the generation', async () => {
    const { body: created } = await create({
      name: 'ledger',
      tenant: PAYMENTS,
      engine: 'yugabyte',
      plan: 'dedicated',
      region: 'lagos',
      config: { storageSize: '500Gi' },
    });
    const put = (config: object) =>
      request(backend.server)
        .put(`/api/dbaas/v1/services/${created.id}`)
        .set('Authorization', backend.as(ADA))
        .send({ config });

    const grown = await put({ storageSize: '1Ti' });
    expect(grown.status).toBe(200);
    expect(grown.body).toEqual({
      id: created.id,
      status: 'pending',
      generation: 2,
      message: 'Requested: storage 500Gi \u2192 1Ti',
    });

    const shrunk = await put({ storageSize: '200Gi' });
    expect(shrunk.status).toBe(400);
    expect(shrunk.body.error.details).toMatchObject({
      field: 'config.storageSize',
      constraint:
        'Storage cannot shrink (from 1Ti to 200Gi); volumes only grow',
    });

    const same = await put({ storageSize: '1Ti' });
    expect(same.body).toMatchObject({
      generation: 2,
      message: 'Nothing to change',
    });
  });

  it('scales the data role, and keeps shared databases vertical', async () => {
    const { body: shared } = await create({
      name: 'cache',
      tenant: PAYMENTS,
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
    });
    const scale = (id: string, body: object) =>
      request(backend.server)
        .post(`/api/dbaas/v1/services/${id}/scale`)
        .set('Authorization', backend.as(ADA))
        .send(body);

    const horizontal = await scale(shared.id, { replicas: 3 });
    expect(horizontal.status).toBe(400);
    expect(horizontal.body.error.details.field).toBe('replicas');

    const vertical = await scale(shared.id, { cpu: '4', memory: '8Gi' });
    expect(vertical.status).toBe(200);
    expect(vertical.body.message).toBe(
      'Requested: instance size 2 CPU/4Gi \u2192 4 CPU/8Gi',
    );

    const noRole = await scale(shared.id, { role: 'tserver', replicas: 2 });
    expect(noRole.status).toBe(400);
    expect(noRole.body.error.details.field).toBe('role');
  });

  it('deletes with a final backup first, and the database keeps counting until removed', async () => {
    const { body: created } = await create({
      name: 'old',
      tenant: PAYMENTS,
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
    });
    const deleted = await request(backend.server)
      .delete(`/api/dbaas/v1/services/${created.id}`)
      .set('Authorization', backend.as(ADA));
    expect(deleted.status).toBe(202);
    expect(deleted.body).toMatchObject({
      status: 'deleting',
      message: 'Deletion requested; a final backup is taken first',
    });

    const backups = await request(backend.server)
      .get(`/api/dbaas/v1/services/${created.id}/backups`)
      .set('Authorization', backend.as(ADA));
    expect(backups.body.data).toEqual([
      expect.objectContaining({ type: 'final', status: 'pending' }),
    ]);

    const again = await request(backend.server)
      .delete(`/api/dbaas/v1/services/${created.id}`)
      .set('Authorization', backend.as(ADA));
    expect(again.status).toBe(409);
  });

  it('deletes a database whose engine takes no final backup only once that is accepted, and promises none', async () => {
    const { body: created, status } = await create({
      name: 'sessions',
      tenant: PAYMENTS,
      engine: 'vitess',
      plan: 'dedicated',
      region: 'lagos',
      sku: 'vt-dedicated',
    });
    expect(status).toBe(201);
    expect(engineBackups.vitess.final.available).toBe(false);
    const remove = (query = '') =>
      request(backend.server)
        .delete(`/api/dbaas/v1/services/${created.id}${query}`)
        .set('Authorization', backend.as(ADA));

    const refused = await remove();
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `Database sessions can take no final backup (${
        (engineBackups.vitess.final as { reason: string }).reason
      }); delete it with confirmNoFinalBackup=true to accept that none will exist`,
    );
    expect((await remove('?confirmNoFinalBackup=yes')).status).toBe(400);

    const deleted = await remove('?confirmNoFinalBackup=true');
    expect(deleted.status).toBe(202);
    expect(deleted.body.message).toBe(
      'Deletion requested; the engine can take no final backup, so none is taken',
    );
    const backups = await request(backend.server)
      .get(`/api/dbaas/v1/services/${created.id}/backups`)
      .set('Authorization', backend.as(ADA));
    expect(backups.body.data).toEqual([]);
  });

  it('answers an unknown database, route or id with 404 in the API\u2019s shape', async () => {
    for (const path of [
      '/api/dbaas/v1/services/7d0f3c52-58a5-4b1c-9a57-5a4c2f0e9c11',
      '/api/dbaas/v1/services/not-a-uuid',
      '/api/dbaas/v1/nothing-here',
    ]) {
      const response = await request(backend.server)
        .get(path)
        .set('Authorization', backend.as(ADA));
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
  });
});
