import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  cdcTableForms,
  engineCdc,
  type ClaimCdcReport,
} from '@internal/backstage-plugin-dbaas-common';
import { eventually, withTestPostgres } from '@internal/test-services';
import yaml from 'js-yaml';
import type { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  CHECKOUT,
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';
import { DatabaseServiceStore } from '../../database/DatabaseServiceStore';
import { ClaimStatusRecorder } from '../../status/ClaimStatusRecorder';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ROOT = 'user:default/root';
/** A member of payments' team: its service admin. */
const ADA = 'user:default/ada';
/** A member of checkout's team, another tenant of acme. */
const KWAME = 'user:default/kwame';

const TOPIC = 'dbaas.cdc.postgresql.payments';

type Method = 'get' | 'post' | 'put' | 'delete';

describe.each(databases.eachSupportedId())('CDC pipelines on %s', id => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-cdc-api-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /**
   * The backend on the test database, committing to a GitOps repository of
   * its own unless `gitops` is false (then changes are only recorded).
   */
  async function setUp({ gitops = true } = {}) {
    const knex: Knex = await databases.init(id);
    const repo = path.join(dir, 'gitops.git');
    const backend = await startDbaasBackend({
      knex,
      config: gitops ? { gitops: { localPath: repo } } : {},
    });
    const api = (user: string, method: Method, url: string, body?: object) => {
      const req = request(backend.server)
        [method](`/api/dbaas/v1${url}`)
        .set('Authorization', backend.as(user));
      return body ? req.send(body) : req;
    };
    const git = (...args: string[]) =>
      execFileSync('git', [`--git-dir=${repo}`, ...args], {
        encoding: 'utf8',
      });
    /** The database's claim as committed on the branch Argo CD syncs. */
    const claimOf = (tenant: string, name: string) =>
      yaml.load(git('show', `main:tenants/${tenant}/${name}.yaml`)) as {
        spec: { cdc?: { pipelines: Record<string, unknown>[] } };
      };
    const head = () => git('rev-parse', 'main').trim();
    const order = async (
      name: string,
      options: { user?: string; tenant?: string; engine?: string } = {},
    ) => {
      const engine = options.engine ?? 'postgresql';
      const created = await api(options.user ?? ADA, 'post', '/services', {
        name,
        tenant: options.tenant ?? PAYMENTS,
        engine,
        plan: 'dedicated',
        region: 'lagos',
        ...(engine === 'vitess' ? { sku: 'vt-dedicated' } : {}),
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const pipelines = (serviceId: string) =>
      `/services/${serviceId}/cdc-pipelines`;
    const generationOf = async (serviceId: string) =>
      (await api(ADA, 'get', `/services/${serviceId}`)).body.generation;
    const auditOf = async (action: string) =>
      (
        await api(
          ROOT,
          'get',
          `/audit-logs?tenant=${encodeURIComponent(PAYMENTS)}&action=${action}`,
        )
      ).body.data;

    // What the PoP's operator reports, taken the way the status watch takes
    // a cluster's claim events.
    const store = await DatabaseServiceStore.create({
      database: mockServices.database({ knex }),
    });
    const recorder = new ClaimStatusRecorder(store);
    const report = async (
      serviceId: string,
      name: string,
      cdc: ClaimCdcReport[],
    ) =>
      recorder.record({
        cluster: 'lagos',
        type: 'MODIFIED',
        serviceId,
        namespace: 'tenant-payments',
        name,
        portalGeneration: await generationOf(serviceId),
        status: { phase: 'Active', cdc },
        observedAt: new Date(),
      });

    return {
      backend,
      knex,
      api,
      order,
      pipelines,
      claimOf,
      head,
      generationOf,
      auditOf,
      report,
    };
  }

  it('adds a pipeline as a change of the claim, committed and audited, pending until its PoP runs it', async () => {
    const { backend, api, order, pipelines, claimOf, generationOf, auditOf } =
      await setUp();
    try {
      const ledger = await order('ledger');
      const created = await api(ADA, 'post', pipelines(ledger), {
        name: 'orders',
        tables: ['public.orders', 'public.order_lines'],
      });
      expect(created.status).toBe(202);
      expect(created.headers.location).toBe('cdc-pipelines/orders');
      const view = {
        name: 'orders',
        tables: ['public.orders', 'public.order_lines'],
        snapshot: 'initial',
        paused: false,
        state: 'pending',
        topics: [`${TOPIC}.public.orders`, `${TOPIC}.public.order_lines`],
        deadLetterTopic: `${TOPIC}.dlq-ledger-orders`,
      };
      expect(created.body).toEqual(view);

      expect(claimOf('payments', 'ledger').spec.cdc).toEqual({
        pipelines: [
          { name: 'orders', tables: ['public.orders', 'public.order_lines'] },
        ],
      });
      expect(await generationOf(ledger)).toBe(2);
      expect(await auditOf('cdc.create')).toEqual([
        expect.objectContaining({
          actor: ADA,
          resourceType: 'database',
          resourceId: ledger,
          outcome: 'succeeded',
          details: expect.objectContaining({
            pipeline: 'orders',
            generation: 2,
          }),
        }),
      ]);

      const list = await api(ADA, 'get', pipelines(ledger));
      expect(list.status).toBe(200);
      expect(list.body).toEqual({
        data: [view],
        capability: engineCdc.postgresql,
        tableForm: cdcTableForms.postgresql,
      });
      const one = await api(ADA, 'get', `${pipelines(ledger)}/orders`);
      expect(one.body).toEqual(view);
      // The list of databases carries each one's topics, for the catalog.
      const listed = await api(ADA, 'get', '/services');
      expect(
        listed.body.data.find((d: { id: string }) => d.id === ledger),
      ).toMatchObject({
        cdcPipelines: [
          { name: 'orders', tables: view.tables, topics: view.topics },
        ],
      });
      const none = await api(ADA, 'get', `${pipelines(ledger)}/refunds`);
      expect(none.status).toBe(404);
      expect(none.body.error.message).toBe(
        'Database ledger has no CDC pipeline refunds',
      );
    } finally {
      await backend.stop();
    }
  });

  it('shows each pipeline as its PoP reports it: running, or failed with the reason', async () => {
    const { backend, api, order, pipelines, report } = await setUp();
    try {
      const ledger = await order('ledger');
      for (const [name, table] of [
        ['orders', 'public.orders'],
        ['invoices', 'billing.invoices'],
        ['refunds', 'billing.refunds'],
      ]) {
        const created = await api(ADA, 'post', pipelines(ledger), {
          name,
          tables: [table],
          snapshot: 'never',
        });
        expect(created.status).toBe(202);
      }
      const connector = (name: string) =>
        `dbaas.tenant-payments.ledger.${name}`;
      const reported = (
        name: string,
        table: string,
        state: ClaimCdcReport['state'],
        message?: string,
      ): ClaimCdcReport => ({
        name,
        connector: connector(name),
        state,
        ...(message ? { message } : {}),
        topics: [`${TOPIC}.${table}`],
        deadLetterTopic: `${TOPIC}.dlq-ledger-${name}`,
      });
      expect(
        await report(ledger, 'ledger', [
          reported('orders', 'public.orders', 'running'),
          reported(
            'invoices',
            'billing.invoices',
            'failed',
            'ERROR: publication "dbaas_cdc_invoices" does not exist',
          ),
        ]),
      ).toBeDefined();

      const { body } = await api(ADA, 'get', pipelines(ledger));
      expect(
        body.data.map(
          (p: {
            name: string;
            state: string;
            message?: string;
            connector?: string;
          }) => [p.name, p.state, p.message, p.connector],
        ),
      ).toEqual([
        ['orders', 'running', undefined, connector('orders')],
        [
          'invoices',
          'failed',
          'ERROR: publication "dbaas_cdc_invoices" does not exist',
          connector('invoices'),
        ],
        // Not reported yet.
        ['refunds', 'pending', undefined, undefined],
      ]);
      expect(body.data[1]).toMatchObject({
        snapshot: 'never',
        topics: [`${TOPIC}.billing.invoices`],
      });
    } finally {
      await backend.stop();
    }
  });

  it('pauses, resumes and restarts a pipeline in its claim, and removes it', async () => {
    const { backend, api, order, pipelines, claimOf, generationOf, auditOf } =
      await setUp();
    try {
      const ledger = await order('ledger');
      await api(ADA, 'post', pipelines(ledger), {
        name: 'orders',
        tables: ['public.orders'],
      });
      const act = (verb: string) =>
        api(ADA, 'post', `${pipelines(ledger)}/orders/${verb}`);
      const inClaim = () => claimOf('payments', 'ledger').spec.cdc?.pipelines;

      const paused = await act('pause');
      expect(paused.status).toBe(202);
      expect(paused.body).toMatchObject({ name: 'orders', paused: true });
      expect(inClaim()).toEqual([
        { name: 'orders', tables: ['public.orders'], paused: true },
      ]);
      // Paused already: nothing to change, no new generation.
      expect((await act('pause')).status).toBe(202);
      expect(await generationOf(ledger)).toBe(3);

      const resumed = await act('resume');
      expect(resumed.status).toBe(202);
      expect(resumed.body.paused).toBe(false);
      expect(inClaim()).toEqual([
        { name: 'orders', tables: ['public.orders'] },
      ]);

      expect((await act('restart')).status).toBe(202);
      const first = inClaim()![0].restart;
      expect(first).toEqual(expect.any(String));
      await act('restart');
      const second = inClaim()![0].restart;
      expect(second).toEqual(expect.any(String));
      expect(second).not.toBe(first);
      expect(await generationOf(ledger)).toBe(6);

      const removed = await api(ADA, 'delete', `${pipelines(ledger)}/orders`);
      expect(removed.status).toBe(202);
      expect(claimOf('payments', 'ledger').spec.cdc).toBeUndefined();
      expect((await api(ADA, 'get', pipelines(ledger))).body.data).toEqual([]);
      expect((await act('pause')).status).toBe(404);
      expect(
        (await api(ADA, 'delete', `${pipelines(ledger)}/orders`)).status,
      ).toBe(404);

      for (const action of [
        'cdc.pause',
        'cdc.resume',
        'cdc.restart',
        'cdc.delete',
      ]) {
        const events = await auditOf(action);
        expect(events.length).toBeGreaterThan(0);
        for (const event of events) {
          expect(event).toMatchObject({
            actor: ADA,
            resourceId: ledger,
            outcome: 'succeeded',
            details: { pipeline: 'orders' },
          });
        }
      }
      expect(await auditOf('cdc.restart')).toHaveLength(2);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a pipeline on an engine that offers none, with the reason, and commits nothing', async () => {
    const { backend, api, order, pipelines, head, generationOf } =
      await setUp();
    try {
      const sessions = await order('sessions', { engine: 'vitess' });
      const before = head();
      const refused = await api(ADA, 'post', pipelines(sessions), {
        name: 'orders',
        tables: ['commerce.orders'],
      });
      expect(refused.status).toBe(409);
      const capability = engineCdc.vitess;
      expect(capability.available).toBe(false);
      expect(refused.body.error).toMatchObject({
        code: 'CONFLICT',
        message: `Database sessions cannot stream its changes: ${
          capability.available ? '' : capability.reason
        }`,
      });
      expect(head()).toBe(before);
      expect(await generationOf(sessions)).toBe(1);
      const list = await api(ADA, 'get', pipelines(sessions));
      expect(list.body).toEqual({
        data: [],
        capability,
        tableForm: cdcTableForms.vitess,
      });
    } finally {
      await backend.stop();
    }
  });

  it("names what breaks the claim's rules: a table not in the engine's form, a name or a table taken", async () => {
    const { backend, api, order, pipelines, head, generationOf } =
      await setUp();
    try {
      const ledger = await order('ledger');
      await api(ADA, 'post', pipelines(ledger), {
        name: 'orders',
        tables: ['public.orders'],
      });
      const before = head();
      const refusal = async (body: object) => {
        const response = await api(ADA, 'post', pipelines(ledger), body);
        expect(response.status).toBe(400);
        return response.body.error;
      };

      expect(
        await refusal({ name: 'lines', tables: ['public.lines', 'lines'] }),
      ).toMatchObject({
        code: 'INVALID_REQUEST',
        message:
          'Invalid CDC pipeline: tables.1: lines is not a schema.table: name each table as its topic does, such as public.orders',
        details: { field: 'tables.1' },
      });
      expect(
        await refusal({ name: 'orders', tables: ['public.lines'] }),
      ).toMatchObject({
        message:
          'Invalid CDC pipeline: name: There is already a pipeline named orders',
        details: { field: 'name' },
      });
      expect(
        await refusal({ name: 'more', tables: ['public.orders'] }),
      ).toMatchObject({
        message:
          'Invalid CDC pipeline: tables.0: public.orders is already captured by pipeline orders',
        details: { field: 'tables.0' },
      });
      // The request's own schema: a table's characters, unknown fields.
      expect(
        await refusal({
          name: 'lines',
          tables: ['public.order-lines'],
          paused: true,
        }),
      ).toMatchObject({
        details: {
          violations: expect.arrayContaining([
            expect.objectContaining({ field: 'tables.0' }),
            expect.objectContaining({ field: 'paused' }),
          ]),
        },
      });
      expect(head()).toBe(before);
      expect(await generationOf(ledger)).toBe(2);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a table another live database of the tenant captures, naming it: a topic names no database', async () => {
    const { backend, api, order, pipelines, head, generationOf } =
      await setUp();
    try {
      const ledger = await order('ledger');
      const billing = await order('billing');
      expect(
        (
          await api(ADA, 'post', pipelines(ledger), {
            name: 'orders',
            tables: ['public.orders'],
          })
        ).status,
      ).toBe(202);

      const before = head();
      const taken = await api(ADA, 'post', pipelines(billing), {
        name: 'sales',
        tables: ['public.invoices', 'public.orders'],
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error).toMatchObject({
        code: 'CONFLICT',
        message: `public.orders is already captured by database ledger of ${PAYMENTS} (its pipeline orders): its topic ${TOPIC}.public.orders names no database, so one database writes it`,
      });
      expect(head()).toBe(before);
      expect(await generationOf(billing)).toBe(1);

      // Other tables are the other database's to capture.
      expect(
        (
          await api(ADA, 'post', pipelines(billing), {
            name: 'sales',
            tables: ['public.invoices'],
          })
        ).status,
      ).toBe(202);
      // Another tenant's topics are its own.
      const shop = await order('shop', { user: KWAME, tenant: CHECKOUT });
      const theirs = await api(KWAME, 'post', pipelines(shop), {
        name: 'orders',
        tables: ['public.orders'],
      });
      expect(theirs.status).toBe(202);
      expect(theirs.body.topics).toEqual([
        'dbaas.cdc.postgresql.checkout.public.orders',
      ]);

      // A deleted database writes no topic any more. Where no cluster is
      // watched, the commit of its claim's removal ends it.
      expect((await api(ADA, 'delete', `/services/${ledger}`)).status).toBe(
        202,
      );
      await eventually(
        'the deleted database is gone',
        async () =>
          (await api(ADA, 'get', `/services/${ledger}`)).status === 404,
      );
      // A deleted database has no pipelines to show.
      expect((await api(ADA, 'get', pipelines(ledger))).status).toBe(404);
      const freed = await api(ADA, 'post', pipelines(billing), {
        name: 'orders',
        tables: ['public.orders'],
      });
      expect(freed.status).toBe(202);
    } finally {
      await backend.stop();
    }
  });

  it('lets one of two concurrent requests for the same table have it', async () => {
    // Changes only recorded: nothing but the tenant's quota lock keeps the
    // two requests' transactions apart.
    const { backend, api, order, pipelines } = await setUp({ gitops: false });
    try {
      const [ledger, billing] = [await order('ledger'), await order('billing')];
      const answers = await Promise.all(
        [ledger, billing].map(serviceId =>
          api(ADA, 'post', pipelines(serviceId), {
            name: 'orders',
            tables: ['public.orders'],
          }),
        ),
      );
      expect(answers.map(a => a.status).sort()).toEqual([202, 409]);
      const captured = await Promise.all(
        [ledger, billing].map(
          async serviceId =>
            (
              await api(ADA, 'get', pipelines(serviceId))
            ).body.data.length,
        ),
      );
      expect(captured.sort()).toEqual([0, 1]);
    } finally {
      await backend.stop();
    }
  });

  it('holds the tenant to its quota of pipelines, over all of its databases, and commits nothing past it', async () => {
    const { backend, api, order, pipelines, head, generationOf, claimOf } =
      await setUp();
    try {
      const quota = {
        instances: 10,
        storageGi: 10_240,
        cpu: 64,
        memoryGi: 256,
        backups: 100,
        cdcPipelines: 2,
      };
      const set = await api(ROOT, 'put', '/organizations/acme/quotas', {
        tenant: PAYMENTS,
        quota,
      });
      expect(set.status).toBe(200);
      expect(set.body.quota).toEqual(quota);

      const ledger = await order('ledger');
      const billing = await order('billing');
      const add = (serviceId: string, name: string, table: string) =>
        api(ADA, 'post', pipelines(serviceId), { name, tables: [table] });
      expect((await add(ledger, 'orders', 'public.orders')).status).toBe(202);
      expect((await add(billing, 'sales', 'public.sales')).status).toBe(202);

      const before = head();
      const over = await add(ledger, 'lines', 'public.lines');
      expect(over.status).toBe(429);
      expect(over.body.error).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        message: `${PAYMENTS} would use 3 of its 2 CDC pipelines`,
      });
      expect(head()).toBe(before);
      expect(await generationOf(ledger)).toBe(2);
      expect(claimOf('payments', 'ledger').spec.cdc?.pipelines).toHaveLength(1);

      // What is within the quota still changes: pause, remove, add again.
      expect(
        (await api(ADA, 'post', `${pipelines(ledger)}/orders/pause`)).status,
      ).toBe(202);
      expect(
        (await api(ADA, 'delete', `${pipelines(billing)}/sales`)).status,
      ).toBe(202);
      expect((await add(ledger, 'lines', 'public.lines')).status).toBe(202);

      const usage = await api(ADA, 'get', '/organizations/acme/quotas');
      // ledger's orders (paused) and lines; billing's sales is gone.
      expect(usage.body.data).toContainEqual(
        expect.objectContaining({
          tenant: PAYMENTS,
          quota,
          usage: expect.objectContaining({ cdcPipelines: 2 }),
        }),
      );
    } finally {
      await backend.stop();
    }
  });

  it('gives a database restored from one with pipelines none: their topics have a writer', async () => {
    const { backend, knex, api, order, pipelines } = await setUp();
    try {
      const ledger = await order('ledger');
      await api(ADA, 'post', pipelines(ledger), {
        name: 'orders',
        tables: ['public.orders'],
      });
      const backup = await api(ADA, 'post', `/services/${ledger}/backups`, {});
      expect(backup.status).toBe(201);
      // The cluster's report that the backup completed.
      await knex('service_backups')
        .where({ id: backup.body.id })
        .update({
          status: 'completed',
          completed_at: new Date(Date.now() - 3_600_000),
          engine_backup_id: '20261130T101500',
        });

      const restored = await api(ADA, 'post', `/services/${ledger}/restore`, {
        backupId: backup.body.id,
        targetName: 'ledger-copy',
      });
      expect(restored.status).toBe(202);
      const copy = await api(
        ADA,
        'get',
        `/services/${restored.body.targetServiceId}`,
      );
      expect(copy.body.config.cdc).toBeUndefined();
      expect(
        (await api(ADA, 'get', pipelines(restored.body.targetServiceId))).body
          .data,
      ).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('refuses changes of the pipelines of a database being deleted, as other changes', async () => {
    // Without a GitOps repository nothing confirms a removal: the database
    // stays Deleting.
    const { backend, api, order, pipelines, generationOf } = await setUp({
      gitops: false,
    });
    try {
      const ledger = await order('ledger');
      await api(ADA, 'post', pipelines(ledger), {
        name: 'orders',
        tables: ['public.orders'],
      });
      expect((await api(ADA, 'delete', `/services/${ledger}`)).status).toBe(
        202,
      );
      for (const [method, url, body] of [
        ['post', pipelines(ledger), { name: 'more', tables: ['public.more'] }],
        ['post', `${pipelines(ledger)}/orders/pause`],
        ['delete', `${pipelines(ledger)}/orders`],
      ] as [Method, string, object?][]) {
        const refused = await api(ADA, method, url, body);
        expect([url, refused.status]).toEqual([url, 409]);
        expect(refused.body.error.message).toBe(
          'Database ledger is being deleted',
        );
      }
      expect(await generationOf(ledger)).toBe(2);
      // Its pipelines still show until it is gone.
      expect((await api(ADA, 'get', pipelines(ledger))).body.data).toHaveLength(
        1,
      );
    } finally {
      await backend.stop();
    }
  });

  it('answers anonymous callers 401 and other tenants 404 on every route, changing nothing', async () => {
    const { backend, api, order, pipelines, head } = await setUp();
    try {
      const ledger = await order('ledger');
      await api(ADA, 'post', pipelines(ledger), {
        name: 'orders',
        tables: ['public.orders'],
      });
      const before = head();
      const routes: [Method, string, object?][] = [
        ['get', pipelines(ledger)],
        ['get', `${pipelines(ledger)}/orders`],
        ['post', pipelines(ledger), { name: 'more', tables: ['public.more'] }],
        ['post', `${pipelines(ledger)}/orders/pause`],
        ['post', `${pipelines(ledger)}/orders/resume`],
        ['post', `${pipelines(ledger)}/orders/restart`],
        ['delete', `${pipelines(ledger)}/orders`],
      ];
      for (const [method, url, body] of routes) {
        const anonymous = await request(backend.server)
          [method](`/api/dbaas/v1${url}`)
          .send(body);
        expect([method, url, anonymous.status]).toEqual([method, url, 401]);
        expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
        // A member of another tenant of the organization.
        const other = await api(KWAME, method, url, body);
        expect([method, url, other.status]).toEqual([method, url, 404]);
        expect(other.body.error.message).toBe(`There is no database ${ledger}`);
      }
      expect(head()).toBe(before);
    } finally {
      await backend.stop();
    }
  });
});
