// @ts-check

/**
 * Restore drills: now and then the portal restores a database's latest backup
 * into a scratch database, waits for it to be ready, records how long that
 * took and how old the backup was, and deletes it. Scratch databases are
 * marked, so that they count against the platform's drill budget instead of
 * their tenant's quota.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .boolean('drill')
      .notNullable()
      .defaultTo(false)
      .comment(
        "A restore drill's scratch database: outside the tenant's quota",
      );
  });
  await knex.schema.createTable('service_restore_drills', table => {
    table.comment('Restore drills of databases');
    table.uuid('id').primary();
    table
      .uuid('service_id')
      .notNullable()
      .references('id')
      .inTable('service_instances')
      .comment('The database drilled');
    table.uuid('backup_id').nullable().comment('The backup restored, if any');
    table
      .uuid('restore_id')
      .nullable()
      .comment('The restore into the scratch database, if one was made');
    table.string('status', 16).notNullable().comment('running, passed, failed');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.integer('rto_seconds').nullable().comment('Start until ready');
    table
      .integer('rpo_seconds')
      .nullable()
      .comment("The backup's age at start");
    table.string('status_message', 1024).nullable();
    table.string('requested_by', 255).notNullable();
    table.index(['service_id', 'started_at'], 'service_restore_drills_service');
    table.index(['status'], 'service_restore_drills_status');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_restore_drills');
  await knex.schema.alterTable('service_instances', table => {
    table.dropColumn('drill');
  });
};
