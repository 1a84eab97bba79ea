// @ts-check

/**
 * What each cluster last reported about a database's claim. A database runs in
 * one PoP or several (the global plan), and every PoP's operator reports its own
 * share on its own copy of the claim; the database's phase is computed from all
 * of them (ClusterReportStore), and it is gone once every cluster that had it
 * has reported it gone.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('service_cluster_reports', table => {
    table.comment('The last report of each cluster on the claim of a database');
    table
      .uuid('service_id')
      .notNullable()
      .references('id')
      .inTable('service_instances')
      .onDelete('CASCADE');
    table.string('cluster', 255).notNullable().comment('The reporting cluster');
    table
      .string('phase', 32)
      .nullable()
      .comment('The phase the claim status there says, if any');
    table
      .boolean('has_share')
      .notNullable()
      .comment('Whether that PoP holds any of the database');
    table.text('status').nullable().comment('The claim status there, JSON');
    table.timestamp('reported_at', { useTz: true }).notNullable();
    table.primary(['service_id', 'cluster']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_cluster_reports');
};
