// @ts-check

/**
 * Databases (service instances) per tenant and each tenant's quota. The resource
 * columns hold a claim's footprint so quota checks sum in SQL; the spec itself is
 * JSON. Deleted databases keep their row (deleted_at) for audit and history.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tenant_quotas', table => {
    table.comment(
      'Limits per tenant; a row is created with the defaults on first use',
    );
    table
      .string('tenant', 255)
      .primary()
      .comment('Catalog group ref of the tenant');
    table.integer('max_instances').notNullable();
    table.double('max_storage_gi').notNullable();
    table.double('max_cpu').notNullable();
    table.double('max_memory_gi').notNullable();
    table.integer('max_backups').notNullable();
  });
  await knex.schema.createTable('service_instances', table => {
    table.comment('Databases requested through the portal');
    table.uuid('id').primary();
    table.string('tenant', 255).notNullable().index();
    table.string('name', 63).notNullable();
    table.string('engine', 32).notNullable();
    table.string('plan', 32).notNullable();
    table.string('region', 32).notNullable();
    table.string('sku', 63).nullable();
    table.string('status', 32).notNullable();
    table.text('spec').notNullable().comment('The ServiceClaim spec as JSON');
    table.double('storage_gi').notNullable();
    table.double('cpu').notNullable();
    table.double('memory_gi').notNullable();
    table.integer('generation').notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
    // One live database per name in a tenant; a deleted name can be reused.
    table.unique(['tenant', 'name'], {
      indexName: 'service_instances_live_name',
      predicate: knex.whereNull('deleted_at'),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_instances');
  await knex.schema.dropTable('tenant_quotas');
};
