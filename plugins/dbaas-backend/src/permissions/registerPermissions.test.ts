import { dbaasServiceCreatePermission } from '@internal/backstage-plugin-dbaas-common';
import request from 'supertest';
import {
  CHECKOUT,
  LEDGER,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';
const LENA = 'user:default/lena';
const ROOT = 'user:default/root';

describe('the DBaaS resources, as other plugins ask about them', () => {
  let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
  afterEach(() => backend?.stop());

  /**
   * What the permission backend answers a user who asks whether they may create
   * a database in each tenant, the question the scaffolder's
   * dbaas:claim:validate asks before anything is ordered.
   */
  async function mayCreateIn(user: string, tenants: string[]) {
    const response = await request(backend.server)
      .post('/api/permission/authorize')
      .set('Authorization', backend.as(user))
      .send({
        items: tenants.map(tenant => ({
          id: tenant,
          permission: dbaasServiceCreatePermission,
          resourceRef: tenant,
        })),
      });
    expect(response.status).toBe(200);
    return Object.fromEntries(
      response.body.items.map((item: { id: string; result: string }) => [
        item.id,
        item.result,
      ]),
    );
  }

  it('answers dbaas.service.create for a tenant by the roles held there', async () => {
    backend = await startDbaasBackend();
    const unknown = 'group:default/nobody';
    const tenants = [PAYMENTS, CHECKOUT, LEDGER, unknown];

    // Ada's team is payments; Lena has no role anywhere; root is a platform admin.
    expect(await mayCreateIn(ADA, tenants)).toEqual({
      [PAYMENTS]: 'ALLOW',
      [CHECKOUT]: 'DENY',
      [LEDGER]: 'DENY',
      [unknown]: 'DENY',
    });
    expect(await mayCreateIn(LENA, tenants)).toEqual({
      [PAYMENTS]: 'DENY',
      [CHECKOUT]: 'DENY',
      [LEDGER]: 'DENY',
      [unknown]: 'DENY',
    });
    expect(await mayCreateIn(ROOT, [PAYMENTS, LEDGER])).toEqual({
      [PAYMENTS]: 'ALLOW',
      [LEDGER]: 'ALLOW',
    });

    // A grant counts as soon as it is made; a viewer still may not create.
    for (const [role, tenant] of [
      ['service-admin', CHECKOUT],
      ['service-viewer', PAYMENTS],
    ]) {
      const granted = await request(backend.server)
        .post('/api/dbaas/v1/organizations/acme/members')
        .set('Authorization', backend.as(ROOT))
        .send({ principal: LENA, role, tenant });
      expect(granted.status).toBe(201);
    }
    expect(await mayCreateIn(LENA, [PAYMENTS, CHECKOUT])).toEqual({
      [PAYMENTS]: 'DENY',
      [CHECKOUT]: 'ALLOW',
    });
  });
});
