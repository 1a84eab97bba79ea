import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import { DatabaseRateLimiter } from './DatabaseRateLimiter';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const payments = 'group:default/payments';
const checkout = 'group:default/checkout';
// Ten seconds into a minute, so a refused request should wait 50 seconds.
const tenPastTwo = Date.parse('2026-11-25T14:00:10Z');

async function settle(calls: Promise<void>[]) {
  const results = await Promise.allSettled(calls);
  const refused = results.filter(
    r => r.status === 'rejected',
  ) as PromiseRejectedResult[];
  return {
    passed: results.length - refused.length,
    refused: refused.map(r => r.reason),
  };
}

function consumeMany(limiter: DatabaseRateLimiter, key: string, n: number) {
  return Array.from({ length: n }, () => limiter.consume(key));
}

describe.each(databases.eachSupportedId())('DatabaseRateLimiter on %s', id => {
  async function setup() {
    const knex = await databases.init(id);
    const clock = { now: tenPastTwo };
    const createLimiter = () =>
      DatabaseRateLimiter.create({
        database: mockServices.database({ knex }),
        now: () => clock.now,
      });
    return { knex, clock, createLimiter, limiter: await createLimiter() };
  }

  it('lets exactly 100 of 130 parallel requests of a tenant through', async () => {
    const { limiter } = await setup();

    const { passed, refused } = await settle(
      consumeMany(limiter, payments, 130),
    );

    expect(passed).toBe(100);
    expect(refused).toHaveLength(30);
    for (const error of refused) {
      expect(error.name).toBe('QuotaExceededError');
      expect(error.message).toBe(
        'Rate limit of 100 requests per minute exceeded for group:default/payments',
      );
      expect(error.retryAfterSeconds).toBe(50);
    }
  });

  it('counts each tenant on its own', async () => {
    const { limiter } = await setup();

    const [paymentsResult, checkoutResult] = await Promise.all([
      settle(consumeMany(limiter, payments, 120)),
      settle(consumeMany(limiter, checkout, 100)),
    ]);

    expect(paymentsResult.passed).toBe(100);
    expect(checkoutResult).toEqual({ passed: 100, refused: [] });
  });

  it('allows requests again once the window is over, and says when that is', async () => {
    const { limiter, clock } = await setup();
    await settle(consumeMany(limiter, payments, 100));

    clock.now = Date.parse('2026-11-25T14:00:59.400Z');
    await expect(limiter.consume(payments)).rejects.toMatchObject({
      name: 'QuotaExceededError',
      retryAfterSeconds: 1,
    });

    clock.now = Date.parse('2026-11-25T14:01:00Z');
    expect(await settle(consumeMany(limiter, payments, 100))).toEqual({
      passed: 100,
      refused: [],
    });
    await expect(limiter.consume(payments)).rejects.toMatchObject({
      retryAfterSeconds: 60,
    });
  });

  it('shares the count between replicas on the same database', async () => {
    const { limiter, createLimiter } = await setup();
    const otherReplica = await createLimiter();

    const { passed, refused } = await settle([
      ...consumeMany(limiter, payments, 60),
      ...consumeMany(otherReplica, payments, 60),
    ]);

    expect(passed).toBe(100);
    expect(refused).toHaveLength(20);
  });

  it('deletes windows older than the previous one', async () => {
    const { knex, limiter, clock } = await setup();
    await limiter.consume(payments);
    clock.now += 60_000;
    await limiter.consume(checkout);
    const windowsOf = async () =>
      (await knex('rate_limit_windows').select('key').orderBy('key')).map(
        row => row.key,
      );
    expect(await windowsOf()).toEqual([checkout, payments]);

    clock.now += 60_000;
    await limiter.consume(checkout);

    expect(await windowsOf()).toEqual([checkout, checkout]);
    const [{ oldest }] = await knex('rate_limit_windows').min({
      oldest: 'window_start',
    });
    expect(Number(oldest)).toBe(Date.parse('2026-11-25T14:01:00Z'));
  });

  it('takes the limit and window from its options', async () => {
    const knex = await databases.init(id);
    const limiter = await DatabaseRateLimiter.create({
      database: mockServices.database({ knex }),
      limit: 2,
      windowMs: 10_000,
      now: () => tenPastTwo + 3_000,
    });

    const { passed, refused } = await settle(consumeMany(limiter, payments, 3));

    expect(passed).toBe(2);
    expect(refused[0]).toMatchObject({
      message:
        'Rate limit of 2 requests per 10 seconds exceeded for group:default/payments',
      retryAfterSeconds: 7,
    });
  });
});
