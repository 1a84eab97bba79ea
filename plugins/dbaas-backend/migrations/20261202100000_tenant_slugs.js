// @ts-check

/**
 * Which tenant holds each slug. A tenant's slug names its GitOps folder
 * `tenants/{slug}/`, its namespace `tenant-{slug}` and its topics
 * `dbaas.*.{slug}`; it is derived from the group's reference, and several
 * references derive the same one (`group:data/platform`,
 * `group:default/data.platform`). The first tenant to act holds it for life;
 * any other is refused (src/tenancy/tenantSlugs.ts).
 *
 * Tenants that already have databases, quotas or audit events keep the slug
 * they have been using; where two of them share one, the tenant seen first
 * holds it and the other is refused from now on (its existing claim file was
 * already shared: see docs/security.md).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tenant_slugs', table => {
    table.comment(
      'The slug each tenant (or organization) holds: its folder, namespace and topics',
    );
    table
      .string('slug', 63)
      .primary()
      .comment('tenants/{slug}/, tenant-{slug}, dbaas.audit.{slug}');
    table
      .string('tenant', 255)
      .notNullable()
      .unique()
      .comment('Catalog group ref of the tenant or organization holding it');
    table.timestamp('reserved_at', { useTz: true }).notNullable();
  });

  /** @type {Map<string, number>} tenant → first seen (epoch ms) */
  const firstSeen = new Map();
  const see = (/** @type {string} */ tenant, /** @type {unknown} */ at) => {
    const ms =
      at instanceof Date
        ? at.getTime()
        : Number(new Date(/** @type {any} */ (at)));
    const time = Number.isFinite(ms) ? ms : Date.now();
    const known = firstSeen.get(tenant);
    if (known === undefined || time < known) firstSeen.set(tenant, time);
  };
  /** @type {{ tenant: string, at: unknown }[]} */
  const services = await knex('service_instances')
    .select('tenant')
    .min({ at: 'created_at' })
    .groupBy('tenant');
  /** @type {{ tenant: string, at: unknown }[]} */
  const events = await knex('audit_events')
    .select('tenant')
    .min({ at: 'occurred_at' })
    .groupBy('tenant');
  for (const row of [...services, ...events]) {
    see(row.tenant, row.at);
  }
  for (const row of await knex('tenant_quotas').select('tenant')) {
    see(row.tenant, Date.now());
  }
  const holders = new Map();
  const byTime = [...firstSeen.entries()].sort(
    (a, b) => a[1] - b[1] || a[0].localeCompare(b[0]),
  );
  for (const [tenant, at] of byTime) {
    const slug = slugOf(tenant);
    if (slug && !holders.has(slug)) {
      holders.set(slug, { slug, tenant, reserved_at: new Date(at) });
    }
  }
  const rows = [...holders.values()];
  for (let i = 0; i < rows.length; i += 200) {
    await knex('tenant_slugs').insert(rows.slice(i, i + 200));
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tenant_slugs');
};

/**
 * tenantSlug of dbaas-common as it was when this migration was written: a
 * migration must not change with the code it migrates for.
 * @param {string} tenant
 */
function slugOf(tenant) {
  const match = /^group:([^/]+)\/(.+)$/.exec(tenant);
  if (!match) return undefined;
  const [, namespace, name] = match;
  return (namespace === 'default' ? name : `${namespace}-${name}`)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
}
