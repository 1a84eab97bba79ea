import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import yaml from 'js-yaml';
import request from 'supertest';
import {
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ADA = 'user:default/ada';
/** A member of checkout only, another tenant than the database's. */
const KWAME = 'user:default/kwame';

/** Every table a change writes to, with its row count. */
async function rowCounts(knex: Knex): Promise<Record<string, number>> {
  const tables = [
    'service_instances',
    'audit_events',
    'gitops_outbox',
    'service_timeline',
    'service_backups',
    'tenant_quotas',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [{ count }] = await knex(table).count({ count: '*' });
    counts[table] = Number(count);
  }
  return counts;
}

describe.each(databases.eachSupportedId())(
  'a dry run of a change of a database, on %p',
  databaseId => {
    let knex: Knex;
    let backend: Awaited<ReturnType<typeof startDbaasBackend>>;
    let id: string;
    let before: { generation: number; config: unknown };

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      backend = await startDbaasBackend({ knex });
      const created = await request(backend.server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA))
        .send({
          name: 'orders',
          tenant: PAYMENTS,
          engine: 'postgresql',
          plan: 'dedicated',
          region: 'lagos',
          config: { version: '16', storageSize: '500Gi' },
        });
      if (created.status !== 201) {
        throw new Error(`Could not order: ${JSON.stringify(created.body)}`);
      }
      id = created.body.id;
    });
    afterAll(() => backend.stop());

    beforeEach(async () => {
      before = (
        await request(backend.server)
          .get(`/api/dbaas/v1/services/${id}`)
          .set('Authorization', backend.as(ADA))
      ).body;
    });

    /** Runs a dry run and checks that it wrote nothing and changed nothing. */
    async function dryRun(
      send: (agent: request.Test) => request.Test,
      path: string,
      method: 'put' | 'post' | 'delete',
      user = ADA,
    ) {
      const counts = await rowCounts(knex);
      const response = await send(
        request(backend.server)
          [method](`/api/dbaas/v1/services/${id}${path}`)
          .set('Authorization', backend.as(user)),
      );
      expect(await rowCounts(knex)).toEqual(counts);
      const after = await request(backend.server)
        .get(`/api/dbaas/v1/services/${id}`)
        .set('Authorization', backend.as(ADA));
      expect(after.body).toMatchObject({
        generation: before.generation,
        config: before.config,
      });
      return response;
    }

    it('answers an upgrade with the claim before and after, and writes nothing', async () => {
      const response = await dryRun(
        agent => agent.send({ config: { version: '17' } }),
        '?dryRun=true',
        'put',
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        dryRun: true,
        id,
        message: 'Requested: version 16 \u2192 17',
        claim: { path: 'tenants/payments/orders.yaml' },
      });
      const { claim } = response.body;
      const parse = (file: string) => yaml.load(file) as any;
      expect(parse(claim.before).spec.version).toBe('16');
      expect(parse(claim.after).spec.version).toBe('17');
      expect(
        parse(claim.after).metadata.annotations['dbaas.io/generation'],
      ).toBe(String(before.generation + 1));
      expect(claim.diff).toContain("-  version: '16'");
      expect(claim.diff).toContain("+  version: '17'");
    });

    it('refuses in a dry run what the change would refuse', async () => {
      const downgrade = await dryRun(
        agent => agent.send({ config: { version: '15' } }),
        '?dryRun=true',
        'put',
      );
      expect(downgrade.status).toBe(400);
      expect(downgrade.body.error.details).toMatchObject({
        field: 'config.version',
      });
      const overQuota = await dryRun(
        agent => agent.send({ replicas: 99 }),
        '/scale?dryRun=true',
        'post',
      );
      expect(overQuota.status).toBe(429);
    });

    it('answers a scale and a backup schedule with the diff of the claim', async () => {
      const scaled = await dryRun(
        agent => agent.send({ cpu: '8' }),
        '/scale?dryRun=true',
        'post',
      );
      expect(scaled.status).toBe(200);
      expect(scaled.body.message).toMatch(/^Requested: .* CPU/);
      expect(scaled.body.claim.diff).toMatch(/\+\s+cpu: '8'/);

      const schedule = await dryRun(
        agent => agent.send({ config: { backup: { schedule: '0 4 * * *' } } }),
        '?dryRun=true',
        'put',
      );
      expect(schedule.body.claim.diff).toContain('+    schedule: 0 4 * * *');

      const same = await dryRun(
        agent => agent.send({ config: { version: '16' } }),
        '?dryRun=true',
        'put',
      );
      expect(same.body).toMatchObject({
        dryRun: true,
        message: 'Nothing to change',
        claim: { diff: '' },
      });
    });

    it('answers a decommission with the claim it would remove', async () => {
      const response = await dryRun(agent => agent, '?dryRun=true', 'delete');
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        dryRun: true,
        message: 'Deletion requested; a final backup is taken first',
        claim: { after: null },
      });
      expect(response.body.claim.diff).toContain('+++ /dev/null');
    });

    it('answers a new CDC pipeline with the claim it would commit', async () => {
      const response = await dryRun(
        agent => agent.send({ name: 'orders-feed', tables: ['public.orders'] }),
        '/cdc-pipelines?dryRun=true',
        'post',
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        dryRun: true,
        message: 'Requested: CDC pipeline orders-feed of public.orders added',
      });
      expect(response.body.claim.diff).toContain('+  cdc:');
      expect(response.body.claim.diff).toContain('+          - public.orders');
      const listed = await request(backend.server)
        .get(`/api/dbaas/v1/services/${id}/cdc-pipelines`)
        .set('Authorization', backend.as(ADA));
      expect(listed.body.data).toEqual([]);

      const badTable = await dryRun(
        agent => agent.send({ name: 'orders-feed', tables: ['orders$'] }),
        '/cdc-pipelines?dryRun=true',
        'post',
      );
      expect(badTable.status).toBe(400);
    });

    it('refuses another tenant\u2019s member, as the change would', async () => {
      const put = await dryRun(
        agent => agent.send({ config: { version: '17' } }),
        '?dryRun=true',
        'put',
        KWAME,
      );
      expect(put.status).toBe(404);
      expect(JSON.stringify(put.body)).not.toContain('version:');
      const del = await dryRun(agent => agent, '?dryRun=true', 'delete', KWAME);
      expect(del.status).toBe(404);
      const cdc = await dryRun(
        agent => agent.send({ name: 'orders-feed', tables: ['public.orders'] }),
        '/cdc-pipelines?dryRun=true',
        'post',
        KWAME,
      );
      expect(cdc.status).toBe(404);
    });

    it('refuses a dry run spelled otherwise', async () => {
      const response = await dryRun(
        agent => agent.send({ config: { version: '17' } }),
        '?dryRun=yes',
        'put',
      );
      expect(response.status).toBe(400);
      expect(response.body.error.details).toMatchObject({ field: 'dryRun' });
    });
  },
);
