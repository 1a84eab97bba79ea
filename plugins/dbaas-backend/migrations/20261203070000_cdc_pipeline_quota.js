// @ts-check

/**
 * A tenant's quota limits its CDC pipelines too, over all of its live
 * databases: each pipeline is a Kafka Connect connector on the PoP's shared
 * Connect cluster and a replication slot in its database. Existing tenants get
 * the built-in default, 20.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('tenant_quotas', table => {
    table
      .integer('max_cdc_pipelines')
      .notNullable()
      .defaultTo(20)
      .comment("CDC pipelines over all of the tenant's live databases");
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('tenant_quotas', table => {
    table.dropColumn('max_cdc_pipelines');
  });
};
