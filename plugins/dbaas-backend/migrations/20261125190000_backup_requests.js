// @ts-check

/**
 * The latest manual backup requested of each database. The claim is rendered
 * from the database's row, and the request travels to the cluster as an
 * annotation on it: every later commit of the claim must carry it on.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .uuid('backup_request')
      .nullable()
      .comment('The latest manual backup requested through the claim');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table.dropColumn('backup_request');
  });
};
