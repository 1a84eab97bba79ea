import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { eventually, withTestPostgres } from '@internal/test-services';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';
import { portalState } from '../security/__testUtils__/portalState';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** A service admin of payments (team membership). */
const ADA = 'user:default/ada';
/** A service admin of checkout, the other tenant of the same organization. */
const KWAME = 'user:default/kwame';

const ORDER = {
  name: 'orders',
  tenant: PAYMENTS,
  engine: 'postgresql',
  plan: 'shared',
  region: 'lagos',
};

describe.each(databases.eachSupportedId())(
  'the DBaaS actions, invoked as two users of different tenants, on %s',
  databaseId => {
    let dir: string;
    let knex: Knex;
    let repo: string;
    let backend: Awaited<ReturnType<typeof startDbaasBackend>>;

    beforeEach(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-actions-'));
      knex = await databases.init(databaseId);
      repo = path.join(dir, 'gitops.git');
      backend = await startDbaasBackend({
        knex,
        config: { gitops: { localPath: repo } },
      });
    });
    afterEach(async () => {
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    /**
     * An action invoked as the actions service invokes it (what the MCP
     * actions backend does for an agent), with the given Authorization.
     */
    const invokeWith = (authorization: string, name: string, input = {}) =>
      request(backend.server)
        .post(
          `/api/dbaas/.backstage/actions/v2/actions/${encodeURIComponent(
            `dbaas:${name}`,
          )}/invoke`,
        )
        .set('Authorization', authorization)
        .send({ input });
    const invoke = (user: string, name: string, input = {}) =>
      invokeWith(backend.as(user), name, input);

    const auditEvents = (where: Record<string, string>) =>
      knex('audit_events').where(where).select();
    const committedClaims = () =>
      execFileSync(
        'git',
        [`--git-dir=${repo}`, 'ls-tree', '-r', '--name-only', 'main'],
        {
          encoding: 'utf8',
        },
      )
        .split('\n')
        .filter(file => file.startsWith('tenants/'));

    /** Once the claims of the databases ordered are committed, so that nothing moves after. */
    const committed = (...files: string[]) =>
      eventually(`${files.join(', ')} committed`, () => {
        try {
          const claims = committedClaims();
          return files.every(file => claims.includes(file));
        } catch {
          return false; // No commit on main yet.
        }
      });

    async function order(user: string, input: object) {
      const response = await invoke(user, 'order-database', {
        ...input,
        dryRun: false,
      });
      expect(response.status).toBe(200);
      return response.body.output.database as { id: string; name: string };
    }

    it('lists, gets and backs up the caller\u2019s databases, and never another tenant\u2019s', async () => {
      const adas = await order(ADA, ORDER);
      const kwames = await order(KWAME, {
        ...ORDER,
        name: 'carts',
        tenant: CHECKOUT,
      });

      const listed = async (user: string) =>
        (await invoke(user, 'list-databases')).body.output.databases.map(
          (d: { name: string }) => d.name,
        );
      expect(await listed(ADA)).toEqual(['orders']);
      expect(await listed(KWAME)).toEqual(['carts']);
      // Naming the other tenant does not widen the list.
      const filtered = await invoke(KWAME, 'list-databases', {
        tenant: PAYMENTS,
      });
      expect(filtered.body.output).toEqual({
        databases: [],
        pagination: { page: 1, limit: 20, total: 0 },
      });

      const own = await invoke(ADA, 'get-database', {
        tenant: PAYMENTS,
        name: 'orders',
      });
      expect(own.status).toBe(200);
      expect(own.body.output.database).toMatchObject({
        id: adas.id,
        tenant: PAYMENTS,
        createdBy: ADA,
        config: { engine: 'postgresql' },
      });

      await committed(
        'tenants/payments/orders.yaml',
        'tenants/checkout/carts.yaml',
      );
      const before = await portalState(knex, repo);
      for (const lookup of [
        { id: adas.id },
        { tenant: PAYMENTS, name: 'orders' },
      ]) {
        const got = await invoke(KWAME, 'get-database', lookup);
        expect(got.status).toBe(404);
        expect(got.body.error.name).toBe('NotFoundError');
        const backedUp = await invoke(KWAME, 'back-up-database', lookup);
        expect(backedUp.status).toBe(404);
      }
      // A refused backup leaves no backup and no event of one; the failed
      // attempt on a database kwame cannot see is not even recorded as such.
      expect(await portalState(knex, repo)).toEqual(before);

      const backup = await invoke(ADA, 'back-up-database', {
        id: adas.id,
        description: 'before the migration',
      });
      expect(backup.status).toBe(200);
      expect(backup.body.output.backup).toMatchObject({
        serviceId: adas.id,
        type: 'manual',
        status: 'pending',
        createdBy: ADA,
      });
      expect(
        await auditEvents({ action: 'backup.create', outcome: 'succeeded' }),
      ).toEqual([
        expect.objectContaining({
          actor: ADA,
          tenant: PAYMENTS,
          resource_id: backup.body.output.backup.id,
        }),
      ]);
      expect(kwames.name).toBe('carts');
    });

    it('orders for real only when told to, as the user: audited and committed', async () => {
      const database = await order(ADA, ORDER);
      expect(database).toMatchObject({
        name: 'orders',
        tenant: PAYMENTS,
        status: 'pending',
        createdBy: ADA,
      });
      expect(
        await auditEvents({
          action: 'service.create',
          resource_id: database.id,
        }),
      ).toEqual([
        expect.objectContaining({
          actor: ADA,
          tenant: PAYMENTS,
          outcome: 'succeeded',
        }),
      ]);
      await committed('tenants/payments/orders.yaml');
      // As the API would: a second order of the name is refused.
      const again = await invoke(ADA, 'order-database', ORDER);
      expect(again.status).toBe(409);
    });

    it('dry-runs an order by default, writing, auditing and committing nothing', async () => {
      await order(KWAME, { ...ORDER, name: 'carts', tenant: CHECKOUT });
      await committed('tenants/checkout/carts.yaml');
      const before = await portalState(knex, repo);

      const preview = await invoke(ADA, 'order-database', ORDER);
      expect(preview.status).toBe(200);
      expect(preview.body.output).toMatchObject({
        dryRun: true,
        message: expect.stringMatching(/^Nothing was ordered/),
        preview: {
          name: 'orders',
          tenant: PAYMENTS,
          organization: 'group:default/acme',
          claimPath: 'tenants/payments/orders.yaml',
          config: { engine: 'postgresql', plan: 'shared', region: 'lagos' },
          quota: { tenant: PAYMENTS, usage: { instances: 0 } },
          quotaLeftAfter: { instances: 9 },
        },
      });
      expect(preview.body.output.database).toBeUndefined();

      // The API's own dry run is the same code.
      const rest = await request(backend.server)
        .post('/api/dbaas/v1/services?dryRun=true')
        .set('Authorization', backend.as(ADA))
        .send(ORDER);
      expect(rest.status).toBe(200);
      expect(rest.body).toEqual(preview.body.output.preview);

      // What the order would be refused for, the dry run is refused for:
      // another tenant's place, a broken rule.
      const elsewhere = await invoke(KWAME, 'order-database', ORDER);
      expect(elsewhere.status).toBe(403);
      const broken = await invoke(ADA, 'order-database', {
        ...ORDER,
        config: { storageSize: 'lots' },
      });
      expect(broken.status).toBe(400);
      expect(broken.body.error.message).toMatch(/config\.storageSize/);
      // Not a row, an audit event (not even of a failure), a claim or a branch.
      expect(await portalState(knex, repo)).toEqual(before);

      // And a quota too small, which the dry run is there to tell.
      await request(backend.server)
        .put('/api/dbaas/v1/organizations/acme/quotas')
        .set('Authorization', backend.as('user:default/root'))
        .send({
          tenant: PAYMENTS,
          quota: {
            instances: 0,
            storageGi: 100,
            cpu: 4,
            memoryGi: 16,
            backups: 5,
            cdcPipelines: 0,
          },
        })
        .expect(200);
      const withQuota = await portalState(knex, repo);
      const overQuota = await invoke(ADA, 'order-database', ORDER);
      expect(overQuota.status).toBe(409);
      expect(overQuota.body.error.message).toMatch(
        /^Quota exceeded: group:default\/payments would use 1 of its 0 databases/,
      );
      expect(await portalState(knex, repo)).toEqual(withQuota);
    });

    it('tells each user the quota left in their tenants and where they may order', async () => {
      await order(ADA, ORDER);
      const { body } = await invoke(ADA, 'get-quota', {
        organization: 'group:default/acme',
      });
      const byTenant = (a: { tenant: string }, b: { tenant: string }) =>
        a.tenant.localeCompare(b.tenant);
      expect(body.output.tenants.sort(byTenant)).toEqual([
        expect.objectContaining({ tenant: CHECKOUT, mayOrder: false }),
        expect.objectContaining({
          tenant: PAYMENTS,
          organization: 'group:default/acme',
          mayOrder: true,
          usage: expect.objectContaining({ instances: 1 }),
          left: expect.objectContaining({ instances: 9 }),
        }),
      ]);
      const kwames = await invoke(KWAME, 'get-quota', { tenant: PAYMENTS });
      expect(kwames.body.output.tenants).toEqual([
        expect.objectContaining({ tenant: PAYMENTS, mayOrder: false }),
      ]);
      const gina = await invoke('user:default/gina', 'get-quota', {
        tenant: PAYMENTS,
      });
      // Another organization's tenants are not hers to see at all.
      expect(gina.body.output.tenants).toEqual([]);
    });

    it('refuses a plugin\u2019s own credentials: the actions act for a user only', async () => {
      // What an agent connected with a static external-access token would
      // be: a service principal, which the API trusts with every tenant.
      const adas = await order(ADA, ORDER);
      await committed('tenants/payments/orders.yaml');
      const before = await portalState(knex, repo);
      const asPlugin = mockCredentials.service.header();
      for (const [name, input] of [
        ['list-databases', {}],
        ['get-database', { id: adas.id }],
        ['get-quota', {}],
        ['order-database', { ...ORDER, name: 'stolen' }],
        ['order-database', { ...ORDER, name: 'stolen', dryRun: false }],
        ['back-up-database', { id: adas.id }],
      ] as const) {
        const response = await invokeWith(asPlugin, name, input);
        expect({ name, status: response.status }).toEqual({
          name,
          status: 403,
        });
        expect(response.body.error.message).toMatch(/act for a signed-in user/);
      }
      expect(await portalState(knex, repo)).toEqual(before);
    });
  },
);
