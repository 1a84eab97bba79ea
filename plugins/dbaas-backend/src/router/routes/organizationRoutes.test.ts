import request from 'supertest';
import {
  ACME,
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const ROOT = 'user:default/root';
const ADA = 'user:default/ada';
const OLU = 'user:default/olu';

describe('organizations, roles and quotas', () => {
  let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
  afterEach(() => backend?.stop());

  const api = (
    user: string,
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    body?: object,
  ) => {
    const req = request(backend.server)
      [method](`/api/dbaas/v1${path}`)
      .set('Authorization', backend.as(user));
    return body ? req.send(body) : req;
  };
  const createIn = (user: string, tenant: string, name: string) =>
    api(user, 'post', '/services', {
      name,
      tenant,
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
    });

  it('shows each user the organizations they belong to, with their tenants', async () => {
    backend = await startDbaasBackend();
    const mine = await api(ADA, 'get', '/organizations');
    expect(mine.body.data).toEqual([
      {
        id: ACME,
        title: 'acme',
        tenants: [
          { id: CHECKOUT, title: 'checkout' },
          { id: PAYMENTS, title: 'payments' },
        ],
      },
    ]);
    const all = await api(ROOT, 'get', '/organizations');
    expect(all.body.data.map((o: { id: string }) => o.id).sort()).toEqual([
      ACME,
      'group:default/globex',
    ]);
  });

  it('makes a granted org-admin able to manage databases and members, and a revoked one not', async () => {
    backend = await startDbaasBackend();
    expect((await createIn(OLU, CHECKOUT, 'before')).status).toBe(403);

    const granted = await api(ROOT, 'post', '/organizations/acme/members', {
      principal: OLU,
      role: 'org-admin',
    });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({
      principal: OLU,
      role: 'org-admin',
      source: 'grant',
      grantedBy: ROOT,
    });
    expect((await createIn(OLU, CHECKOUT, 'after')).status).toBe(201);

    // An org-admin manages members but cannot make owners.
    const viewer = await api(OLU, 'post', '/organizations/acme/members', {
      principal: 'user:default/lena',
      role: 'service-viewer',
      tenant: PAYMENTS,
    });
    expect(viewer.status).toBe(201);
    const owner = await api(OLU, 'post', '/organizations/acme/members', {
      principal: 'user:default/lena',
      role: 'org-owner',
    });
    expect(owner.status).toBe(403);

    const members = await api(OLU, 'get', '/organizations/acme/members');
    expect(members.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ principal: OLU, role: 'org-admin' }),
        expect.objectContaining({
          principal: 'user:default/lena',
          role: 'service-viewer',
          tenant: PAYMENTS,
        }),
        {
          principal: PAYMENTS,
          role: 'service-admin',
          tenant: PAYMENTS,
          source: 'team',
        },
      ]),
    );

    const revoked = await api(
      ROOT,
      'delete',
      `/organizations/acme/members/${encodeURIComponent(OLU)}`,
    );
    expect(revoked.status).toBe(204);
    expect((await createIn(OLU, CHECKOUT, 'again')).status).toBe(403);
  });

  it('refuses a service role on a tenant of another organization, and org roles on a tenant', async () => {
    backend = await startDbaasBackend();
    const foreign = await api(ROOT, 'post', '/organizations/acme/members', {
      principal: OLU,
      role: 'service-admin',
      tenant: 'group:default/ledger',
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.details).toEqual(
      expect.objectContaining({
        field: 'tenant',
        constraint:
          'group:default/ledger is not a tenant of group:default/acme',
      }),
    );
    const scoped = await api(ROOT, 'post', '/organizations/acme/members', {
      principal: OLU,
      role: 'org-owner',
      tenant: PAYMENTS,
    });
    expect(scoped.status).toBe(400);
    expect(scoped.body.error.details.field).toBe('tenant');
  });

  it('enforces a quota an owner sets, and shows usage against it', async () => {
    backend = await startDbaasBackend();
    const quota = {
      instances: 1,
      storageGi: 10_240,
      cpu: 64,
      memoryGi: 256,
      backups: 10,
      cdcPipelines: 4,
    };
    const set = await api(ADA, 'put', '/organizations/acme/quotas', {
      tenant: PAYMENTS,
      quota,
    });
    expect(set.status).toBe(403);

    const owner = await api(ROOT, 'put', '/organizations/acme/quotas', {
      tenant: PAYMENTS,
      quota,
    });
    expect(owner.status).toBe(200);
    expect(owner.body).toEqual({
      tenant: PAYMENTS,
      quota,
      usage: {
        instances: 0,
        storageGi: 0,
        cpu: 0,
        memoryGi: 0,
        backups: 0,
        cdcPipelines: 0,
      },
    });

    expect((await createIn(ADA, PAYMENTS, 'one')).status).toBe(201);
    const second = await createIn(ADA, PAYMENTS, 'two');
    expect(second.status).toBe(429);
    expect(second.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message: 'group:default/payments would use 2 of its 1 databases',
    });

    const usage = await api(ADA, 'get', '/organizations/acme/quotas');
    expect(usage.body.data).toEqual(
      expect.arrayContaining([
        {
          tenant: PAYMENTS,
          quota,
          usage: {
            instances: 1,
            storageGi: 100,
            cpu: 2,
            memoryGi: 4,
            backups: 0,
            cdcPipelines: 0,
          },
        },
      ]),
    );
  });

  it("answers the platform's ceiling with the quotas, for an owner's form to show", async () => {
    backend = await startDbaasBackend({
      config: { quotas: { ceiling: { instances: 20, storageGi: 20_480 } } },
    });
    const quotas = await api(ADA, 'get', '/organizations/acme/quotas');
    expect(quotas.status).toBe(200);
    expect(quotas.body.ceiling).toEqual({ instances: 20, storageGi: 20_480 });
    expect(quotas.body.data.map((q: { tenant: string }) => q.tenant)).toEqual([
      CHECKOUT,
      PAYMENTS,
    ]);
  });

  it('rate-limits each caller on its own, answering 429 with Retry-After', async () => {
    backend = await startDbaasBackend({
      config: { rateLimit: { requestsPerMinute: 5 } },
    });
    const { body: db } = await createIn(ADA, PAYMENTS, 'busy');
    const statuses: number[] = [];
    let limited: request.Response | undefined;
    for (let i = 0; i < 6; i++) {
      const response = await api(ADA, 'get', `/services/${db.id}`);
      statuses.push(response.status);
      limited = response;
    }
    // The create counted too: 4 reads pass, then ada is over her 5.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    expect(limited!.headers['retry-after']).toMatch(/^[1-9][0-9]?$/);
    expect(limited!.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      message:
        'Rate limit of 5 requests per minute exceeded for user:default/ada',
    });

    // Another caller is not affected.
    const other = await createIn('user:default/kwame', CHECKOUT, 'calm');
    expect(other.status).toBe(201);
  });
});
