import { createServiceFactory } from '@backstage/backend-plugin-api';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import request from 'supertest';
import {
  ACME,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(120_000);

const ROOT = 'user:default/root'; // platform admin
const OLU = 'user:default/olu'; // made org-owner of acme below
const ADA = 'user:default/ada'; // member of payments (acme)
const GINA = 'user:default/gina'; // member of ledger, made org-owner of globex

const PRICES = {
  currency: 'USD',
  plans: { shared: 100, dedicated: 1000 },
  units: { cpuCore: 15, memoryGi: 4, storageGi: 0.1 },
};
// A PostgreSQL shared database of the default size: 2 CPU, 4Gi, 100Gi.
const SHARED_PG = {
  currency: 'USD',
  total: 156,
  breakdown: { base: 100, cpu: 30, memory: 16, storage: 10 },
};

type Notification = {
  payload: {
    title: string;
    description?: string;
    topic?: string;
    link?: string;
  };
};

// Prices in every answer that shows one, tenants' budgets set by those who may
// set quotas, and the tenant told once per budget threshold its cost reaches.
// (Each plugin on its own SQLite database: the real notifications backend
// migrates its own.)
describe('cost and budgets', () => {
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
  const order = (name: string, query = '') =>
    api(ADA, 'post', `/services${query}`, {
      name,
      tenant: PAYMENTS,
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
    });
  const budgetTo = (user: string, monthlyBudget: number | null) =>
    api(user, 'put', '/organizations/acme/budgets', {
      tenant: PAYMENTS,
      monthlyBudget,
    });
  const budgetNotices = async (user: string) => {
    const res = await request(backend.server)
      .get('/api/notifications/notifications')
      .set('Authorization', backend.as(user));
    expect(res.status).toBe(200);
    return (res.body.notifications as Notification[])
      .filter(n => n.payload.topic === 'dbaas-budgets')
      .map(n => n.payload.title);
  };

  it('prices a dry run, the SKUs and the listed databases', async () => {
    backend = await startDbaasBackend({ config: { pricing: PRICES } });
    const dryRun = await order('priced', '?dryRun=true');
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.monthlyPrice).toEqual(SHARED_PG);

    const skus = await api(ADA, 'get', '/catalog/skus?engine=postgresql');
    const shared = skus.body.items.find(
      (s: { plan: string }) => s.plan === 'shared',
    );
    expect(shared.monthlyPrice).toEqual(SHARED_PG);
    const global = skus.body.items.find(
      (s: { plan: string }) => s.plan === 'global',
    );
    // No base price for the global plan: no price, rather than a made-up one.
    expect(global.monthlyPrice).toBeUndefined();

    const created = await order('priced');
    expect(created.status).toBe(201);
    const list = await api(ADA, 'get', '/services');
    expect(list.body.data[0].monthlyPrice).toEqual(SHARED_PG);

    // A change's dry run answers the price before and after it.
    const scale = await api(
      ADA,
      'post',
      `/services/${created.body.id}/scale?dryRun=true`,
      { cpu: '4' },
    );
    expect(scale.status).toBe(200);
    expect(scale.body.monthlyPrice).toEqual({
      before: SHARED_PG,
      after: {
        currency: 'USD',
        total: 186,
        breakdown: { base: 100, cpu: 60, memory: 16, storage: 10 },
      },
    });
    const remove = await api(
      ADA,
      'delete',
      `/services/${created.body.id}?dryRun=true`,
    );
    expect(remove.status).toBe(200);
    expect(remove.body.monthlyPrice).toEqual({ before: SHARED_PG });

    const costs = await api(ADA, 'get', '/organizations/acme/budgets');
    expect(costs.body).toEqual({
      currency: 'USD',
      data: expect.arrayContaining([{ tenant: PAYMENTS, monthlyCost: 156 }]),
    });
  });

  it('shows no price anywhere without prices, and takes no budget', async () => {
    backend = await startDbaasBackend();
    const dryRun = await order('unpriced', '?dryRun=true');
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).not.toHaveProperty('monthlyPrice');
    const skus = await api(ADA, 'get', '/catalog/skus');
    expect(skus.body.items.some((s: object) => 'monthlyPrice' in s)).toBe(
      false,
    );
    const costs = await api(ADA, 'get', '/organizations/acme/budgets');
    expect(costs.body).not.toHaveProperty('currency');
    expect(costs.body.data).toContainEqual({ tenant: PAYMENTS });
    const set = await budgetTo(ROOT, 500);
    expect(set.status).toBe(400);
    expect(set.body.error.message).toMatch(/no prices/);
  });

  it('lets only those who may set quotas set a budget', async () => {
    backend = await startDbaasBackend({ config: { pricing: PRICES } });
    for (const [organization, principal] of [
      ['acme', OLU],
      ['globex', GINA],
    ]) {
      const grant = await api(
        ROOT,
        'post',
        `/organizations/${organization}/members`,
        { principal, role: 'org-owner' },
      );
      expect(grant.status).toBe(201);
    }

    // A member of the tenant may read the budget, not set it.
    expect((await budgetTo(ADA, 500)).status).toBe(403);
    // Another organization's owner does not even see acme.
    expect((await budgetTo(GINA, 500)).status).toBe(404);
    // A tenant of another organization is refused by name.
    const elsewhere = await api(OLU, 'put', '/organizations/acme/budgets', {
      tenant: 'group:default/ledger',
      monthlyBudget: 500,
    });
    expect(elsewhere.status).toBe(400);
    const negative = await budgetTo(OLU, -5);
    expect(negative.status).toBe(400);
    expect(negative.body.error.details.field).toBe('monthlyBudget');

    const set = await budgetTo(OLU, 500);
    expect(set.status).toBe(200);
    expect(set.body).toEqual({
      tenant: PAYMENTS,
      monthlyCost: 0,
      monthlyBudget: 500,
    });
    const read = await api(ADA, 'get', '/organizations/acme/budgets');
    expect(read.body.data).toContainEqual(set.body);

    const audit = await api(
      OLU,
      'get',
      `/audit-logs?organization=${encodeURIComponent(ACME)}&action=budget.set`,
    );
    expect(audit.body.data).toEqual([
      expect.objectContaining({
        actor: OLU,
        tenant: PAYMENTS,
        details: { monthlyBudget: 500, currency: 'USD' },
      }),
    ]);

    const removed = await budgetTo(OLU, null);
    expect(removed.body).toEqual({ tenant: PAYMENTS, monthlyCost: 0 });
  });

  it('tells the tenant once at 80% and once at 100% of its budget, again after falling below', async () => {
    backend = await startDbaasBackend({
      config: { pricing: PRICES },
      rootConfig: { app: { baseUrl: 'http://localhost:3000' } },
      features: [notificationsPlugin],
    });
    // 156 a database: one is 41% of 380, two 82%, three 123%.
    expect((await budgetTo(ROOT, 380)).status).toBe(200);
    expect((await order('one')).status).toBe(201);
    expect(await budgetNotices(ADA)).toEqual([]);

    expect((await order('two')).status).toBe(201);
    expect(await budgetNotices(ADA)).toEqual([
      'The databases of payments cost 80% of their monthly budget',
    ]);
    const [notice] = (
      await request(backend.server)
        .get('/api/notifications/notifications')
        .set('Authorization', backend.as(ADA))
    ).body.notifications as Notification[];
    expect(notice.payload).toMatchObject({
      description:
        'They cost, as ordered now, $312.00 a month, against a budget of $380.00. Orders are not refused; scale down or delete databases, or ask an organization owner to raise the budget.',
      link: '/databases',
    });
    // Nobody of another tenant is told.
    expect(await budgetNotices('user:default/kwame')).toEqual([]);
    const dryRun = await order('three', '?dryRun=true');
    expect(dryRun.status).toBe(200);
    // Not refused: a budget only tells.
    expect((await order('three')).status).toBe(201);
    expect((await order('four')).status).toBe(201);
    // One notice per tenant in the inbox: 100% replaced 80%, and the fourth
    // order, past 100% already, told nothing new.
    expect(await budgetNotices(ADA)).toEqual([
      'The databases of payments reached their monthly budget',
    ]);
    const costs = await api(ADA, 'get', '/organizations/acme/budgets');
    expect(costs.body.data).toContainEqual({
      tenant: PAYMENTS,
      monthlyCost: 624,
      monthlyBudget: 380,
      thresholdReached: 100,
    });
    const crossings = await api(
      ROOT,
      'get',
      `/audit-logs?tenant=${encodeURIComponent(
        PAYMENTS,
      )}&action=budget.threshold`,
    );
    expect(
      crossings.body.data.map(
        (e: { details: { threshold: number } }) => e.details.threshold,
      ),
    ).toEqual([100, 80]);

    // Raised above the cost: re-armed, and lowered again: told again.
    expect((await budgetTo(ROOT, 2000)).body).not.toHaveProperty(
      'thresholdReached',
    );
    expect((await budgetTo(ROOT, 600)).body.thresholdReached).toBe(100);
    const again = await api(
      ROOT,
      'get',
      `/audit-logs?tenant=${encodeURIComponent(
        PAYMENTS,
      )}&action=budget.threshold`,
    );
    expect(again.body.data).toHaveLength(3);
  });

  it('tells a threshold again after the notifications backend refused its notice', async () => {
    const sent: string[] = [];
    let refuse = true;
    backend = await startDbaasBackend({
      config: { pricing: PRICES },
      features: [
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            async send(options: NotificationSendOptions) {
              if (refuse) throw new Error('notifications backend unavailable');
              sent.push(options.payload.title);
            },
          }),
        }),
      ],
    });
    // 156 a database: two are 82% of 380.
    expect((await budgetTo(ROOT, 380)).status).toBe(200);
    expect((await order('one')).status).toBe(201);
    // The order stands though nobody could be told; the threshold is not
    // taken as told.
    expect((await order('two')).status).toBe(201);
    expect(sent).toEqual([]);
    const costs = await api(ADA, 'get', '/organizations/acme/budgets');
    expect(costs.body.data).toContainEqual({
      tenant: PAYMENTS,
      monthlyCost: 312,
      monthlyBudget: 380,
    });

    // The next change of the tenant's databases tells it.
    refuse = false;
    const { body: listed } = await api(ADA, 'get', '/services');
    const one = listed.data.find((d: { name: string }) => d.name === 'one');
    expect(
      (
        await api(ADA, 'put', `/services/${one.id}`, {
          config: { storageSize: '110Gi' },
        })
      ).status,
    ).toBe(200);
    expect(sent).toEqual([
      'The databases of payments cost 80% of their monthly budget',
    ]);
    const after = await api(ADA, 'get', '/organizations/acme/budgets');
    expect(after.body.data).toContainEqual(
      expect.objectContaining({ tenant: PAYMENTS, thresholdReached: 80 }),
    );
  });
});
