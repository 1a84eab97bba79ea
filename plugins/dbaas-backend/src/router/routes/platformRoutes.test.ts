import { TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import type {
  PlatformOverview,
  TroubledDatabase,
} from '@internal/backstage-plugin-dbaas-common';
import request from 'supertest';
import {
  ACME,
  CHECKOUT,
  LEDGER,
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';
import { STUCK_AFTER_MINUTES } from '../../operations/platformOverview';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** A platform admin: a member of group:default/platform. */
const ROOT = 'user:default/root';
/** A service admin of payments (its team). */
const ADA = 'user:default/ada';
/** A service admin of ledger, in globex. */
const GINA = 'user:default/gina';
/** Made an org-owner of acme below. */
const OLU = 'user:default/olu';

describe.each(databases.eachSupportedId())(
  'GET /v1/platform/overview on %s',
  databaseId => {
    let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
    afterEach(() => backend?.stop());

    it('shows platform admins every tenant, PoP and troubled database; refuses everyone else', async () => {
      const knex = await databases.init(databaseId);
      backend = await startDbaasBackend({ knex });
      const call = (
        method: 'get' | 'post',
        path: string,
        user?: string,
        body?: object,
      ) => {
        const req = request(backend.server)[method](`/api/dbaas/v1${path}`);
        if (user) req.set('Authorization', backend.as(user));
        return body ? req.send(body) : req;
      };
      const order = async (
        user: string,
        tenant: string,
        name: string,
        region = 'lagos',
      ) => {
        const res = await call('post', '/services', user, {
          name,
          tenant,
          engine: 'postgresql',
          plan: 'shared',
          region,
        });
        expect(res.status).toBe(201);
        return res.body.id as string;
      };

      const orders = await order(ADA, PAYMENTS, 'orders');
      const ledger = await order(GINA, LEDGER, 'ledger', 'frankfurt');
      const stuck = await order(ADA, PAYMENTS, 'stuck');
      const fresh = await order(ADA, PAYMENTS, 'fresh');
      // orders failed in lagos, as the cluster reported it.
      await knex('service_instances')
        .where({ id: orders })
        .update({ status: 'Failed' });
      await knex('service_timeline').insert({
        service_id: orders,
        step: 'failed',
        generation: 1,
        cluster: 'lagos',
        detail: 'the volume could not be bound',
        at: new Date(),
      });
      // ledger runs, and has a replica region besides frankfurt.
      const ledgerRow = await knex('service_instances')
        .where({ id: ledger })
        .first();
      const spec = JSON.parse(ledgerRow.spec);
      spec.replication.regions = ['frankfurt', 'lagos'];
      await knex('service_instances')
        .where({ id: ledger })
        .update({ status: 'Active', spec: JSON.stringify(spec) });
      // stuck has been Pending, unchanged, for longer than the threshold;
      // fresh is Pending too, but only just ordered.
      await knex('service_instances')
        .where({ id: stuck })
        .update({
          updated_at: new Date(Date.now() - (STUCK_AFTER_MINUTES + 5) * 60_000),
        });
      const granted = await call('post', '/organizations/acme/members', ROOT, {
        principal: OLU,
        role: 'org-owner',
      });
      expect(granted.status).toBe(201);

      // Nobody but a platform admin: not an org-owner, not a service admin.
      for (const user of [OLU, ADA, GINA]) {
        const refused = await call('get', '/platform/overview', user);
        expect(refused.status).toBe(403);
        expect(refused.body.error.code).toBe('FORBIDDEN');
      }
      const anonymous = await call('get', '/platform/overview');
      expect(anonymous.status).toBe(401);

      const res = await call('get', '/platform/overview', ROOT);
      expect(res.status).toBe(200);
      const overview: PlatformOverview = res.body;

      expect(
        overview.organizations.map(org => [
          org.id,
          org.quotas.map(q => [q.tenant, q.usage.instances]),
        ]),
      ).toEqual(
        expect.arrayContaining([
          [
            ACME,
            [
              [CHECKOUT, 0],
              [PAYMENTS, 3],
            ],
          ],
          ['group:default/globex', [[LEDGER, 1]]],
        ]),
      );
      expect(overview.organizations).toHaveLength(2);

      const pop = (id: string) => overview.pops.find(p => p.id === id);
      expect(pop('lagos')).toEqual({
        id: 'lagos',
        displayName: expect.any(String),
        databases: 4,
        byEngine: { postgresql: 4 },
        byPhase: { failed: 1, pending: 2, active: 1 },
      });
      expect(pop('frankfurt')).toMatchObject({
        databases: 1,
        byPhase: { active: 1 },
      });
      expect(pop('singapore')).toMatchObject({ databases: 0, byPhase: {} });

      expect(overview.stuckAfterMinutes).toBe(STUCK_AFTER_MINUTES);
      expect(overview.troubledTotal).toBe(2);
      const byName = new Map<string, TroubledDatabase>(
        overview.troubled.map(t => [t.name, t]),
      );
      expect([...byName.keys()].sort()).toEqual(['orders', 'stuck']);
      expect(byName.get('orders')).toMatchObject({
        id: orders,
        tenant: PAYMENTS,
        organization: ACME,
        engine: 'postgresql',
        region: 'lagos',
        status: 'failed',
        problem: 'failed',
        lastStep: {
          step: 'failed',
          cluster: 'lagos',
          detail: 'the volume could not be bound',
        },
      });
      const stuckOne = byName.get('stuck')!;
      expect(stuckOne).toMatchObject({ status: 'pending', problem: 'stuck' });
      expect(Date.now() - Date.parse(stuckOne.since)).toBeGreaterThanOrEqual(
        STUCK_AFTER_MINUTES * 60_000,
      );
      // The longest in trouble first.
      expect(overview.troubled[0].name).toBe('stuck');
      expect(byName.has('fresh')).toBe(false);
      expect(fresh).toBeDefined();
    });
  },
);
