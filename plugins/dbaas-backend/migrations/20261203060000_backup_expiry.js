// @ts-check

/**
 * A backup's expiry is the backup store's own: when it completes (or fails),
 * it expires after its database's retention, and a change of retention moves
 * the expiry of the backups still kept. Before, the quota read the retention
 * from the database's spec on every count.
 *
 * Existing rows get the expiry their database's retention gives them now, or
 * the default (14d) where the database or its retention is gone.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_backups', table => {
    table
      .timestamp('expires_at', { useTz: true })
      .nullable()
      .comment(
        'When the backup leaves the list and the quota: its end plus its database retention; null while it runs',
      );
    table.index(['tenant', 'expires_at'], 'service_backups_tenant_expiry');
  });
  const rows = await knex('service_backups')
    .leftJoin(
      'service_instances',
      'service_instances.id',
      'service_backups.service_id',
    )
    .whereIn('service_backups.status', ['completed', 'failed'])
    .select(
      'service_backups.id as id',
      'service_backups.completed_at as completed_at',
      'service_backups.started_at as started_at',
      'service_backups.created_at as created_at',
      'service_instances.spec as spec',
    );
  for (const row of rows) {
    const spec =
      typeof row.spec === 'string' ? JSON.parse(row.spec) : row.spec ?? {};
    const retention = spec?.backup?.retention ?? '14d';
    const amount = Number(retention.slice(0, -1));
    const ms = amount * (retention.endsWith('h') ? 3_600_000 : 86_400_000);
    const end = new Date(row.completed_at ?? row.started_at ?? row.created_at);
    await knex('service_backups')
      .where({ id: row.id })
      .update({ expires_at: new Date(end.getTime() + ms) });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_backups', table => {
    table.dropIndex(['tenant', 'expires_at'], 'service_backups_tenant_expiry');
    table.dropColumn('expires_at');
  });
};
