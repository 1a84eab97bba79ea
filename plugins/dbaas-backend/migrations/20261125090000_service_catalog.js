// @ts-check

/**
 * The service catalog's SKUs, kept in the database so that the rows of later
 * tables (service instances, quotas) can reference a SKU and the catalog API can
 * filter in SQL. The rows are synchronised from dbaas-common on every start.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('catalog_skus', table => {
    table.comment(
      'SKUs of the service catalog, synchronised from dbaas-common',
    );
    table.string('id', 63).primary().notNullable();
    table.string('engine', 32).notNullable().index();
    table.string('plan', 32).notNullable().index();
    table.integer('position').notNullable().comment('Order in the catalog');
    table.text('document').notNullable().comment('The SKU as JSON');
  });
  await knex.schema.createTable('catalog_sku_regions', table => {
    table.comment('Regions (PoPs) each SKU is stocked in');
    table
      .string('sku_id', 63)
      .notNullable()
      .references('id')
      .inTable('catalog_skus')
      .onDelete('CASCADE');
    table.string('region', 32).notNullable().index();
    table.primary(['sku_id', 'region']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('catalog_sku_regions');
  await knex.schema.dropTable('catalog_skus');
};
