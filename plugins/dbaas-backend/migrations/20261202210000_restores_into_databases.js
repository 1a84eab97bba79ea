// @ts-check

/**
 * A restore makes a new database from a backup (the engine operators restore
 * into a new cluster): each restore names the database it made, and a backup
 * keeps the engine's own id of it, which the new database's claim names.
 * Restores requested before this made nothing: they are marked failed, with
 * the reason, instead of pending forever.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_backups', table => {
    table
      .string('engine_backup_id', 128)
      .nullable()
      .comment("The engine's own id of the backup (Barman's backup ID)");
  });
  await knex.schema.alterTable('service_restores', table => {
    table
      .uuid('target_service_id')
      .nullable()
      .references('id')
      .inTable('service_instances')
      .comment('The database the backup is restored into');
    table
      .string('status_message', 1024)
      .nullable()
      .comment('Why the restore failed, for people');
    table.index(['target_service_id'], 'service_restores_target');
  });
  await knex('service_restores').whereNull('target_service_id').update({
    status: 'failed',
    status_message:
      'Requested before restores were built: nothing was restored. Request it again.',
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_restores', table => {
    table.dropIndex(['target_service_id'], 'service_restores_target');
    table.dropColumn('status_message');
    table.dropColumn('target_service_id');
  });
  await knex.schema.alterTable('service_backups', table => {
    table.dropColumn('engine_backup_id');
  });
};
