// @ts-check

/**
 * The pull (or merge) request that proposed a database's last change, when the
 * portal proposes changes instead of committing them (dbaas.gitops.remote.mode
 * pullRequest).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .string('gitops_pull_request_url', 1024)
      .nullable()
      .comment('The pull or merge request proposing the last change');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table.dropColumn('gitops_pull_request_url');
  });
};
