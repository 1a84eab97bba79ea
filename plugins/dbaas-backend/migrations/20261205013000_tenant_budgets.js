// @ts-check

/**
 * Tenant budgets: a monthly amount per tenant, in the price list's currency
 * (`dbaas.pricing`), and the highest share of it (80 or 100 percent) the
 * tenant was last told its committed cost reached, so that each crossing is
 * told once and the next only after the cost fell below.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('tenant_budgets', table => {
    table.comment('Monthly budget per tenant and the last threshold told');
    table.string('tenant', 255).primary().comment('The tenant group ref');
    table
      .decimal('monthly_budget', 16, 2)
      .nullable()
      .comment('In the price list currency; null: no budget');
    table
      .integer('threshold_reached')
      .notNullable()
      .defaultTo(0)
      .comment('0, 80 or 100: the share of the budget last told');
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('tenant_budgets');
};
