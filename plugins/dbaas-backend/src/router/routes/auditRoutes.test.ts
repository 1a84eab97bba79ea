import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  ACME,
  CHECKOUT,
  LEDGER,
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ROOT = 'user:default/root';
const ADA = 'user:default/ada';
const KWAME = 'user:default/kwame';
const OLU = 'user:default/olu';
const LENA = 'user:default/lena';
const GINA = 'user:default/gina';
const GLOBEX = 'group:default/globex';

type Entry = {
  tenant: string;
  actor: string;
  action: string;
  occurredAt: string;
  database?: { id: string; name: string; tenant: string; deleted?: true };
};

describe('the audit trail of the API', () => {
  it('records each mutation, failed ones too, and serves them per tenant', async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startDbaasBackend({ knex });
    const api = (
      user: string,
      method: 'get' | 'post' | 'put',
      path: string,
      body?: object,
    ) => {
      const req = request(backend.server)
        [method](`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(user))
        .set('X-Request-Id', `req-${path.length}-${method}`);
      return body ? req.send(body) : req;
    };
    try {
      const created = await api(ADA, 'post', '/services', {
        name: 'orders',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
      await api(ADA, 'put', `/services/${created.body.id}`, {
        config: { storageSize: '200Gi' },
      });
      // Refused by the quota: recorded as failed, nothing else changes.
      await api(ROOT, 'put', '/organizations/acme/quotas', {
        tenant: PAYMENTS,
        quota: {
          instances: 1,
          storageGi: 1000,
          cpu: 8,
          memoryGi: 8,
          backups: 5,
          cdcPipelines: 5,
        },
      });
      const refused = await api(ADA, 'post', '/services', {
        name: 'second',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
      expect(refused.status).toBe(429);
      // Invalid input never reaches a tenant's log.
      await api(ADA, 'post', '/services', { name: 'Bad Name' });

      const log = await api(
        ROOT,
        'get',
        `/audit-logs?tenant=${encodeURIComponent(PAYMENTS)}`,
      );
      expect(log.status).toBe(200);
      expect(log.body.pagination.total).toBe(4);
      expect(
        log.body.data.map((e: { action: string; outcome: string }) => [
          e.action,
          e.outcome,
        ]),
      ).toEqual([
        ['service.create', 'failed'],
        ['quota.set', 'succeeded'],
        ['service.update', 'succeeded'],
        ['service.create', 'succeeded'],
      ]);
      expect(log.body.data[3]).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        tenant: PAYMENTS,
        actor: ADA,
        resourceType: 'database',
        resourceId: created.body.id,
        requestId: 'req-9-post',
        details: { name: 'orders', engine: 'postgresql' },
      });
      expect(log.body.data[0].details).toEqual({
        error: 'QuotaExceededError',
        message: 'group:default/payments would use 2 of its 1 databases',
      });

      const filtered = await api(
        ROOT,
        'get',
        `/audit-logs?tenant=${encodeURIComponent(
          PAYMENTS,
        )}&action=service.update`,
      );
      expect(filtered.body.data).toHaveLength(1);
      const other = await api(
        ROOT,
        'get',
        `/audit-logs?tenant=${encodeURIComponent(CHECKOUT)}`,
      );
      expect(other.body.data).toEqual([]);
      // A team member is not an org admin: the log is not theirs to read.
      const denied = await api(
        ADA,
        'get',
        `/audit-logs?tenant=${encodeURIComponent(PAYMENTS)}`,
      );
      expect(denied.status).toBe(403);
      // Every row waits in the outbox for the relay.
      const [{ unsent }] = await knex('audit_events')
        .whereNull('published_at')
        .count({ unsent: '*' });
      expect(Number(unsent)).toBe(4);
    } finally {
      await backend.stop();
    }
  });

  it("serves an organization's whole log to its owners and admins, filtered, paged and naming each event's database", async () => {
    const knex = await databases.init('SQLITE_3');
    const backend = await startDbaasBackend({ knex });
    const api = (
      user: string,
      method: 'get' | 'post' | 'put',
      path: string,
      body?: object,
    ) => {
      const req = request(backend.server)
        [method](`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(user));
      return body ? req.send(body) : req;
    };
    const log = (user: string, query: Record<string, string>) =>
      api(user, 'get', `/audit-logs?${new URLSearchParams(query)}`);
    const create = (user: string, tenant: string, name: string) =>
      api(user, 'post', '/services', {
        name,
        tenant,
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
    try {
      // Roles on the whole organization are its own events.
      const grant = (principal: string, role: string, organization = 'acme') =>
        api(ROOT, 'post', `/organizations/${organization}/members`, {
          principal,
          role,
        });
      expect((await grant(ADA, 'org-owner')).status).toBe(201);
      expect((await grant(OLU, 'org-admin')).status).toBe(201);
      expect((await grant(LENA, 'org-member')).status).toBe(201);
      expect((await grant(GINA, 'org-owner', 'globex')).status).toBe(201);
      const orders = (await create(ADA, PAYMENTS, 'orders')).body;
      expect((await create(KWAME, CHECKOUT, 'carts')).status).toBe(201);
      const backup = await api(ADA, 'post', `/services/${orders.id}/backups`, {
        description: 'before the migration',
      });
      expect(backup.status).toBe(201);
      // Another organization's events are never in acme's log.
      expect((await create(GINA, LEDGER, 'ledger-db')).status).toBe(201);
      const all = await log(OLU, { organization: ACME });

      expect(all.status).toBe(200);
      expect(all.body.pagination.total).toBe(6);
      const entries: Entry[] = all.body.data;
      expect(entries.map(e => [e.action, e.tenant, e.actor])).toEqual([
        ['backup.create', PAYMENTS, ADA],
        ['service.create', CHECKOUT, KWAME],
        ['service.create', PAYMENTS, ADA],
        ['member.grant', ACME, ROOT],
        ['member.grant', ACME, ROOT],
        ['member.grant', ACME, ROOT],
      ]);
      // A backup's event and the database's own name the database.
      expect(entries[0].database).toEqual({
        id: orders.id,
        name: 'orders',
        tenant: PAYMENTS,
      });
      expect(entries[1].database).toMatchObject({ name: 'carts' });
      expect(entries[3].database).toBeUndefined();

      const narrowed = async (user: string, query: Record<string, string>) => {
        const response = await log(user, query);
        expect(response.status).toBe(200);
        return (response.body.data as Entry[]).map(e => e.action);
      };
      expect(
        await narrowed(ADA, { organization: ACME, tenant: CHECKOUT }),
      ).toEqual(['service.create']);
      // The organization's own events: roles on the whole of it.
      expect(await narrowed(ADA, { organization: ACME, tenant: ACME })).toEqual(
        ['member.grant', 'member.grant', 'member.grant'],
      );
      expect(
        await narrowed(ADA, {
          organization: ACME,
          action: 'service.create',
          // Actors compare as Backstage compares refs.
          actor: 'User:default/Kwame',
        }),
      ).toEqual(['service.create']);
      // Both ends are in the range; events of the same millisecond too.
      const [since, until] = [entries[2].occurredAt, entries[1].occurredAt];
      const between = await narrowed(ADA, { organization: ACME, since, until });
      expect(between).toEqual(
        entries
          .filter(e => e.occurredAt >= since && e.occurredAt <= until)
          .map(e => e.action),
      );
      expect(between.filter(a => a === 'service.create')).toHaveLength(2);
      const second = await log(ADA, {
        organization: ACME,
        page: '2',
        limit: '4',
      });
      expect(second.body.pagination).toEqual({ page: 2, limit: 4, total: 6 });
      expect((second.body.data as Entry[]).map(e => e.action)).toEqual([
        'member.grant',
        'member.grant',
      ]);
      // A platform admin reads every organization's.
      expect(
        await narrowed(ROOT, { organization: GLOBEX, tenant: LEDGER }),
      ).toEqual(['service.create']);

      // A member of the organization sees it, but its log is not theirs.
      const member = await log(LENA, { organization: ACME });
      expect(member.status).toBe(403);
      expect(member.body.error.message).toBe(
        `${LENA} may not read the audit log of ${ACME}`,
      );
      // Nor is it a tenant team's, whose members run its databases.
      expect((await log(KWAME, { organization: ACME })).status).toBe(403);
      expect((await log(KWAME, { tenant: CHECKOUT })).status).toBe(403);
      // Another organization's owner does not learn that acme exists.
      const foreign = await log(GINA, { organization: ACME });
      expect(foreign.status).toBe(404);
      expect(foreign.body.error.message).toBe(
        `There is no organization ${ACME}`,
      );
      // Nor may she read a tenant of acme through her own organization.
      const smuggled = await log(GINA, {
        organization: GLOBEX,
        tenant: PAYMENTS,
      });
      expect(smuggled.status).toBe(400);
      expect(smuggled.body.error.details).toMatchObject({
        field: 'tenant',
        constraint: `${PAYMENTS} is neither ${GLOBEX} nor one of its tenants`,
      });
      expect((await log(GINA, { tenant: PAYMENTS })).status).toBe(403);

      const neither = await log(ADA, { action: 'service.create' });
      expect(neither.status).toBe(400);
      expect(neither.body.error.details).toMatchObject({
        field: 'tenant',
        constraint: 'give a tenant, an organization or both',
      });
      const backwards = await log(ADA, {
        organization: ACME,
        since: entries[1].occurredAt,
        until: entries[2].occurredAt,
      });
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.details).toMatchObject({
        field: 'until',
        constraint: 'must not be before since',
      });
    } finally {
      await backend.stop();
    }
  });
});
