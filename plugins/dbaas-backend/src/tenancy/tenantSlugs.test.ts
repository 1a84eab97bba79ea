import { TestDatabases } from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { withTestPostgres } from '@internal/test-services';
import type { Knex } from 'knex';
import { reserveTenantSlug } from './tenantSlugs';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const directory = resolvePackagePath(
  '@internal/backstage-plugin-dbaas-backend',
  'migrations',
);

/** Migrates up to and including `last`. */
async function migrateTo(knex: Knex, last: string) {
  for (;;) {
    const [, done]: [number, string[]] = await knex.migrate.up({ directory });
    if (done.length === 0) {
      throw new Error(`No migration named ${last} in ${directory}`);
    }
    if (done[done.length - 1] === last) return;
  }
}

const legacyService = (id: string, tenant: string, createdAt: Date) => ({
  id,
  tenant,
  organization: 'group:default/acme',
  name: 'orders',
  engine: 'postgresql',
  plan: 'shared',
  region: 'lagos',
  sku: null,
  status: 'Active',
  spec: '{}',
  storage_gi: 10,
  cpu: 1,
  memory_gi: 1,
  generation: 1,
  created_by: 'user:default/ada',
  created_at: createdAt,
  updated_at: createdAt,
  deleted_at: null,
});

describe.each(databases.eachSupportedId())('tenant slugs on %s', id => {
  it('gives the tenants already there the slugs they use, the first seen winning a shared one', async () => {
    const knex = await databases.init(id);
    await migrateTo(knex, '20261125190000_backup_requests.js');
    await knex('service_instances').insert([
      legacyService(
        '00000000-0000-4000-8000-000000000002',
        'group:data/platform',
        new Date('2026-11-02T00:00:00Z'),
      ),
      legacyService(
        '00000000-0000-4000-8000-000000000001',
        'group:default/data-platform',
        new Date('2026-11-01T00:00:00Z'),
      ),
    ]);
    await knex('tenant_quotas').insert({
      tenant: 'group:default/payments',
      max_instances: 1,
      max_storage_gi: 1,
      max_cpu: 1,
      max_memory_gi: 1,
      max_backups: 1,
    });
    await knex.migrate.latest({ directory });

    const slugs = await knex('tenant_slugs').select('slug', 'tenant');
    expect(slugs.sort((a, b) => a.slug.localeCompare(b.slug))).toEqual([
      { slug: 'data-platform', tenant: 'group:default/data-platform' },
      { slug: 'payments', tenant: 'group:default/payments' },
    ]);
    await expect(
      reserveTenantSlug(knex, 'group:default/data-platform'),
    ).resolves.toBe('data-platform');
    await expect(
      reserveTenantSlug(knex, 'group:data/platform'),
    ).rejects.toThrow(
      'that name belongs to group:default/data-platform; rename the group in the catalog',
    );
  });

  it('lets exactly one of two look-alike tenants reserving at once have the slug', async () => {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory });
    const tenants = ['group:retail/web-shop', 'group:default/retail.web_shop'];
    const results = await Promise.allSettled(
      tenants.map(tenant =>
        knex.transaction(tx => reserveTenantSlug(tx, tenant)),
      ),
    );
    expect(results.filter(r => r.status === 'fulfilled')).toEqual([
      { status: 'fulfilled', value: 'retail-web-shop' },
    ]);
    const [holder] = await knex('tenant_slugs').select('tenant');
    const loser = tenants.find(t => t !== holder.tenant);
    expect(results.find(r => r.status === 'rejected')).toMatchObject({
      reason: {
        name: 'ConflictError',
        message: `${loser} would be named "retail-web-shop" outside the catalog (GitOps folder tenants/retail-web-shop/, namespace tenant-retail-web-shop, topics dbaas.*.retail-web-shop), and that name belongs to ${holder.tenant}; rename the group in the catalog to use the portal`,
      },
    });
    // A tenant keeps its slug: asking again changes nothing.
    await expect(reserveTenantSlug(knex, holder.tenant)).resolves.toBe(
      'retail-web-shop',
    );
    const [{ n }] = await knex('tenant_slugs').count({ n: '*' });
    expect(Number(n)).toBe(1);
  });
});
