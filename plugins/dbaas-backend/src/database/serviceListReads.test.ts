import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { withTestPostgres } from '@internal/test-services';
import type { Knex } from 'knex';
import { DatabaseBackupStore } from './DatabaseBackupStore';
import {
  DatabaseServiceStore,
  DEFAULT_TENANT_QUOTA,
} from './DatabaseServiceStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');
const ORG = 'group:default/dbaas-org';
const PAYMENTS = 'group:default/payments';
const CHECKOUT = 'group:default/checkout';
const page = { page: 1, limit: 2 };

/** The statements a piece of work sends to the database. */
async function statementsOf(knex: Knex, work: () => Promise<unknown>) {
  const statements: string[] = [];
  const record = (query: { sql: string }) => statements.push(query.sql);
  knex.on('query', record);
  try {
    await work();
  } finally {
    knex.off('query', record);
  }
  return statements;
}

describe.each(databases.eachSupportedId())(
  'Reads of databases and quotas on %s',
  id => {
    async function setup() {
      const knex = await databases.init(id);
      const store = await DatabaseServiceStore.create({
        database: mockServices.database({ knex }),
      });
      // A second apart, so that newest first is one order: created within
      // the same millisecond, they would tie and fall back to their ids.
      let made = 0;
      const create = async (tenant: string, name: string) => {
        const record = await store.createService({
          tenant,
          organization: ORG,
          name,
          spec,
          createdBy: 'user:default/ada',
        });
        made += 1;
        await knex('service_instances')
          .where({ id: record.id })
          .update({ created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, made)) });
        return record;
      };
      return { knex, store, create };
    }

    it('gives an unfiltered list the exact total of live databases without counting them', async () => {
      const { knex, store, create } = await setup();
      const totalOf = async () =>
        (await store.listServices(page)).pagination.total;
      const a = await create(PAYMENTS, 'a');
      const b = await create(PAYMENTS, 'b');
      await create(CHECKOUT, 'c');
      expect(await totalOf()).toBe(3);

      // Marked Deleting, a database is still live.
      await store.markDeleting(a.id);
      expect(await totalOf()).toBe(3);
      // Removed (deleted_at set, as the status watch does), it is not.
      await knex('service_instances')
        .where({ id: a.id })
        .update({ deleted_at: new Date() });
      expect(await totalOf()).toBe(2);
      // Writing deleted_at again changes nothing; clearing it counts it again.
      await knex('service_instances')
        .where({ id: a.id })
        .update({ deleted_at: new Date() });
      expect(await totalOf()).toBe(2);
      await knex('service_instances')
        .where({ id: a.id })
        .update({ deleted_at: null });
      expect(await totalOf()).toBe(3);
      // Rows deleted outright, live or not.
      await knex('service_instances').where({ id: b.id }).delete();
      expect(await totalOf()).toBe(2);

      const [{ live }] = await knex('service_instances')
        .whereNull('deleted_at')
        .count({ live: '*' });
      expect(Number(live)).toBe(2);
      const statements = await statementsOf(knex, () =>
        store.listServices(page),
      );
      expect(statements.some(sql => /count\(/i.test(sql))).toBe(false);
    });

    it('starts the count from the live databases already there', async () => {
      const { knex, store, create } = await setup();
      const migration = '20261202150000_live_service_count.js';
      const config = {
        directory: resolvePackagePath(
          '@internal/backstage-plugin-dbaas-backend',
          'migrations',
        ),
      };
      await create(PAYMENTS, 'a');
      await knex.migrate.down({ ...config, name: migration });
      const b = await create(PAYMENTS, 'b');
      await create(CHECKOUT, 'c');
      await knex('service_instances')
        .where({ id: b.id })
        .update({ deleted_at: new Date() });
      await knex.migrate.up({ ...config, name: migration });
      expect((await store.listServices(page)).pagination.total).toBe(2);
      await create(CHECKOUT, 'd');
      expect((await store.listServices(page)).pagination.total).toBe(3);
    });

    it('still counts the rows of a filtered list', async () => {
      const { knex, store, create } = await setup();
      await create(PAYMENTS, 'a');
      await create(PAYMENTS, 'b');
      await create(CHECKOUT, 'c');
      let filtered;
      const statements = await statementsOf(knex, async () => {
        filtered = await store.listServices({ ...page, tenant: PAYMENTS });
      });
      expect(filtered!.pagination.total).toBe(2);
      expect(statements.some(sql => /count\(/i.test(sql))).toBe(true);
      expect(
        (await store.listServices({ ...page, q: 'c' })).pagination.total,
      ).toBe(1);
    });

    it('reads a page and its total in one statement, and past the last page the total alone', async () => {
      const { knex, store, create } = await setup();
      await create(PAYMENTS, 'a');
      await create(PAYMENTS, 'b');
      await create(CHECKOUT, 'c');
      for (const filter of [{}, { region: 'lagos' as const }]) {
        let statements = await statementsOf(knex, async () => {
          const second = await store.listServices({
            ...filter,
            page: 2,
            limit: 2,
          });
          expect(second.data.map(r => r.name)).toEqual(['a']);
          expect(second.pagination).toEqual({ page: 2, limit: 2, total: 3 });
        });
        expect(statements).toHaveLength(1);
        statements = await statementsOf(knex, async () => {
          const beyond = await store.listServices({
            ...filter,
            page: 3,
            limit: 2,
          });
          expect(beyond).toEqual({
            data: [],
            pagination: { page: 3, limit: 2, total: 3 },
          });
        });
        expect(statements).toHaveLength(2);
      }
      expect(
        await store.listServices({
          page: 1,
          limit: 2,
          tenant: 'group:default/none',
        }),
      ).toEqual({ data: [], pagination: { page: 1, limit: 2, total: 0 } });
    });

    it('reads the quotas and usage of any number of tenants in a constant number of statements', async () => {
      const { knex, store, create } = await setup();
      const backups = await DatabaseBackupStore.create({
        database: mockServices.database({ knex }),
        defaultQuota: DEFAULT_TENANT_QUOTA,
      });
      await store.setQuota(PAYMENTS, { ...DEFAULT_TENANT_QUOTA, cpu: 32 });
      const first = await create(PAYMENTS, 'a');
      await create(PAYMENTS, 'b');
      await backups.createBackup({
        serviceId: first.id,
        tenant: PAYMENTS,
        type: 'manual',
        createdBy: 'user:default/ada',
      });
      // Thousands of tenants, beyond SQLite's limit on bound parameters.
      const others = Array.from(
        { length: 40_000 },
        (_, i) => `group:default/team-${i}`,
      );
      const tenants = [CHECKOUT, PAYMENTS, ...others];

      let quotaUsage: Awaited<ReturnType<typeof store.listQuotaUsage>> = [];
      let counts: number[] = [];
      const statements = await statementsOf(knex, async () => {
        [quotaUsage, counts] = await Promise.all([
          store.listQuotaUsage(tenants),
          backups.countBackupsOf(tenants),
        ]);
      });
      expect(statements).toHaveLength(3);
      expect(quotaUsage).toHaveLength(tenants.length);
      expect(quotaUsage[0]).toEqual({
        quota: DEFAULT_TENANT_QUOTA,
        usage: {
          instances: 0,
          storageGi: 0,
          cpu: 0,
          memoryGi: 0,
          cdcPipelines: 0,
        },
      });
      expect(quotaUsage[1]).toEqual({
        quota: await store.getQuota(PAYMENTS),
        usage: await store.getUsage(PAYMENTS),
      });
      expect(quotaUsage[1].quota.cpu).toBe(32);
      expect(quotaUsage[1].usage.instances).toBe(2);
      expect(counts.slice(0, 3)).toEqual([0, 1, 0]);
      expect(await backups.countBackups(PAYMENTS)).toBe(1);
      expect(await store.listQuotaUsage([])).toEqual([]);
    });
  },
);
