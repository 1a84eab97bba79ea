// @ts-check

const PAGE = 1000;

/**
 * How many CDC pipelines each database declares (its spec's
 * `cdc.pipelines`), stored beside its storage, CPU and memory whenever its
 * spec is written, so that a tenant's pipelines are summed the way its
 * footprint is: for the quota check and for the usage the API reports.
 *
 * Existing rows get the count of their spec, read here in JavaScript (the
 * same on PostgreSQL and SQLite).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .integer('cdc_pipelines')
      .notNullable()
      .defaultTo(0)
      .comment("The CDC pipelines the database's spec declares");
  });
  // A page of rows at a time: 50,000 specs need not be in memory at once.
  /** @type {string | undefined} */
  let after;
  for (;;) {
    const page = knex('service_instances')
      .orderBy('id')
      .limit(PAGE)
      .select('id', 'spec');
    if (after !== undefined) page.where('id', '>', after);
    const rows = await page;
    for (const row of rows) {
      const spec =
        typeof row.spec === 'string' ? JSON.parse(row.spec) : row.spec ?? {};
      const pipelines = spec?.cdc?.pipelines;
      const count = Array.isArray(pipelines) ? pipelines.length : 0;
      if (count > 0) {
        await knex('service_instances')
          .where({ id: row.id })
          .update({ cdc_pipelines: count });
      }
    }
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].id;
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table.dropColumn('cdc_pipelines');
  });
};
