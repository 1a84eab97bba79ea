// @ts-check

/**
 * Where each database's claim is in the GitOps repository, and the timeline of
 * its provisioning (committed, synced, provisioning, active, failed, deleted) as
 * the portal saw it happen.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .string('gitops_path', 1024)
      .nullable()
      .comment('Path of the claim in the GitOps repository');
    table
      .string('gitops_commit', 64)
      .nullable()
      .comment('The commit that last wrote or removed the claim');
    table
      .string('gitops_commit_url', 1024)
      .nullable()
      .comment('A link to that commit, when the repository has a web UI');
  });
  await knex.schema.createTable('service_timeline', table => {
    table.comment('Steps of a database on its way to the clusters and back');
    table.bigIncrements('seq').primary();
    table.uuid('service_id').notNullable();
    table
      .string('step', 16)
      .notNullable()
      .comment('committed, synced, provisioning, active, failed, deleted');
    table
      .integer('generation')
      .notNullable()
      .comment('The spec generation the step is about');
    table.string('cluster', 255).nullable();
    table.text('detail').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['service_id', 'seq'], 'service_timeline_service');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_timeline');
  await knex.schema.alterTable('service_instances', table => {
    table.dropColumn('gitops_commit_url');
    table.dropColumn('gitops_commit');
    table.dropColumn('gitops_path');
  });
};
