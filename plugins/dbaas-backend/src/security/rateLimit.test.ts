import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import request from 'supertest';
import {
  LEDGER,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';
import { portalState } from './__testUtils__/portalState';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The attacker: a member of payments (organization acme). */
const ADA = 'user:default/ada';
/** The victim: a member of ledger (organization globex). */
const GINA = 'user:default/gina';

/**
 * Waits for a fresh minute when the current one ends within 30 seconds, so a
 * burst is counted in one rate-limit window (windows are aligned to minutes).
 */
async function inOneWindow() {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 30_000) {
    await new Promise(resolve => setTimeout(resolve, left + 100));
  }
}

/** Sends the requests in parallel batches; their answers in order. */
async function inBatches(
  count: number,
  send: (i: number) => request.Test,
): Promise<request.Response[]> {
  const responses: request.Response[] = [];
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, (_, j) =>
      send(start + j),
    );
    responses.push(...(await Promise.all(batch)));
  }
  return responses;
}

describe.each(databases.eachSupportedId())(
  'the rate limit is the caller\u2019s own, on %s',
  databaseId => {
    async function start() {
      const knex = await databases.init(databaseId);
      const backend = await startDbaasBackend({ knex });
      const call = (
        authorization: string | undefined,
        method: 'get' | 'post',
        url: string,
        body?: object,
      ) => {
        const req = request(backend.server)[method](`/api/dbaas/v1${url}`);
        if (authorization) {
          req.set('Authorization', authorization);
        }
        return body ? req.send(body) : req;
      };
      const api = (
        user: string,
        method: 'get' | 'post',
        url: string,
        body?: object,
      ) => call(backend.as(user), method, url, body);
      const windows = async () =>
        (await knex('rate_limit_windows').select('key', 'count')).map(row => ({
          key: row.key as string,
          count: Number(row.count),
        }));
      return { knex, backend, api, call, windows };
    }

    it('lets a user naming another tenant spend only their own budget, and the tenant works on', async () => {
      const { knex, backend, api, windows } = await start();
      try {
        const orders = await api(GINA, 'post', '/services', {
          name: 'orders',
          tenant: LEDGER,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
        expect(orders.status).toBe(201);
        const before = await portalState(knex);
        await inOneWindow();

        const flood = await inBatches(150, () =>
          api(ADA, 'get', `/services?tenant=${encodeURIComponent(LEDGER)}`),
        );

        // The flood changed no state, and no budget but ada's.
        expect(await portalState(knex)).toEqual(before);
        const keys = (await windows()).map(w => w.key);
        expect(keys).not.toContain(LEDGER);
        expect(keys).toContain(ADA);

        const statuses = flood.map(r => r.status);
        // Gina's create counted on her own budget, so ada had all 100 of hers.
        expect(statuses.filter(s => s === 200)).toHaveLength(100);
        expect(statuses.filter(s => s === 429)).toHaveLength(50);
        // She sees none of ledger's databases either way.
        expect(flood.find(r => r.status === 200)!.body.data).toEqual([]);
        const refused = flood.find(r => r.status === 429)!;
        expect(refused.headers['retry-after']).toMatch(/^[1-9][0-9]?$/);
        expect(refused.body.error).toEqual({
          code: 'QUOTA_EXCEEDED',
          name: 'QuotaExceededError',
          message:
            'Rate limit of 100 requests per minute exceeded for user:default/ada',
          details: {
            retryAfterSeconds: Number(refused.headers['retry-after']),
          },
        });

        // Ledger's own user, and a plugin acting for the platform, are not
        // affected: they read, list and create as before.
        expect(
          (await api(GINA, 'get', `/services/${orders.body.id}`)).status,
        ).toBe(200);
        expect(
          (await api(GINA, 'get', `/services?tenant=${LEDGER}`)).body.data,
        ).toHaveLength(1);
        const catalogProvider = await request(backend.server)
          .get('/api/dbaas/v1/services')
          .set(
            'Authorization',
            mockCredentials.service.header({
              onBehalfOf: mockCredentials.service('plugin:catalog'),
              targetPluginId: 'dbaas',
            }),
          );
        expect(catalogProvider.status).toBe(200);
        const more = await api(GINA, 'post', '/services', {
          name: 'ledger-two',
          tenant: LEDGER,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
        expect(more.status).toBe(201);
      } finally {
        await backend.stop();
      }
    });

    it('limits a user rotating made-up tenants by their own budget, without a row per tenant', async () => {
      const { backend, api, windows } = await start();
      try {
        const rowsBefore = (await windows()).length;
        await inOneWindow();

        const rotating = await inBatches(500, i =>
          api(
            ADA,
            'get',
            `/services?tenant=${encodeURIComponent(
              `group:default/made-up-${i}`,
            )}`,
          ),
        );

        const statuses = rotating.map(r => r.status);
        expect(statuses.filter(s => s === 200)).toHaveLength(100);
        expect(statuses.filter(s => s === 429)).toHaveLength(400);
        for (const refused of rotating.filter(r => r.status === 429)) {
          expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
          expect(refused.body.error.message).toBe(
            'Rate limit of 100 requests per minute exceeded for user:default/ada',
          );
        }
        const after = await windows();
        expect(after.length - rowsBefore).toBe(1);
        expect(after.find(w => w.key === ADA)?.count).toBe(500);

        // Her own tenant's other members still have their whole budget.
        expect(
          (
            await api(
              'user:default/kwame',
              'get',
              `/services?tenant=${PAYMENTS}`,
            )
          ).status,
        ).toBe(200);
      } finally {
        await backend.stop();
      }
    });

    it('counts nothing for a caller who is not signed in', async () => {
      const { backend, call, windows } = await start();
      try {
        const anonymous = await inBatches(120, i =>
          call(
            undefined,
            'get',
            `/services?tenant=${encodeURIComponent(`group:default/anon-${i}`)}`,
          ),
        );
        const forged = await call('Bearer not-a-token', 'get', '/services');

        expect(new Set(anonymous.map(r => r.status))).toEqual(new Set([401]));
        expect(forged.status).toBe(401);
        expect(forged.body.error.code).toBe('UNAUTHORIZED');
        expect(await windows()).toEqual([]);
      } finally {
        await backend.stop();
      }
    });
  },
);
