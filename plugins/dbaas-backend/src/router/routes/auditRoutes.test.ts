import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ROOT = 'user:default/root';
const ADA = 'user:default/ada';

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
});
