// @ts-check

/**
 * Request counts of the API's per-tenant rate limit, one row per key and fixed
 * window. They live in the database rather than in memory so that every backend
 * replica counts against the same limit.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('rate_limit_windows', table => {
    table.comment(
      'Requests counted per rate-limit key and fixed window; old windows are deleted',
    );
    table
      .string('key', 255)
      .notNullable()
      .comment('What is limited, e.g. the catalog group ref of a tenant');
    table
      .bigInteger('window_start')
      .notNullable()
      .comment('Start of the window, milliseconds since the epoch');
    table
      .integer('count')
      .notNullable()
      .comment('Requests in the window, refused ones included');
    // The conflict target of the counting upsert: one counter per key and window.
    // No index on window_start alone: the table holds only a couple of windows
    // per tenant, so the occasional cleanup's scan is cheaper than indexing
    // every insert.
    table.primary(['key', 'window_start']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('rate_limit_windows');
};
