// @ts-check

/**
 * What the clusters report about backups: the engine's backup object each row
 * stands for (a scheduled backup is known by nothing else, and the unique key
 * makes recording it again a no-op), and what the engine said about it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_backups', table => {
    table
      .string('engine_backup_name', 253)
      .nullable()
      .comment("The engine's backup object (CloudNativePG Backup, ...)");
    table
      .string('status_message', 1024)
      .nullable()
      .comment("What the engine's operator said about it, a failure's cause");
    // NULLs are distinct in both PostgreSQL and SQLite: rows not yet reported
    // do not collide.
    table.unique(['service_id', 'engine_backup_name'], {
      indexName: 'service_backups_engine_name',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_backups', table => {
    table.dropUnique(
      ['service_id', 'engine_backup_name'],
      'service_backups_engine_name',
    );
    table.dropColumn('status_message');
    table.dropColumn('engine_backup_name');
  });
};
