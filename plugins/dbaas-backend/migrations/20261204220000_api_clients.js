// @ts-check

/**
 * API clients: scripts and CI jobs that call the DBaaS API with tokens of
 * their own (a Keycloak service account's, verified by Backstage's external
 * access), each acting for the user who registered it. A removed client keeps
 * its row (`removed_at`), so that the audit trail's actor still names whom it
 * acted for.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('api_clients', table => {
    table.comment('Scripts that call the API, each acting for a user');
    table
      .string('subject', 300)
      .primary()
      .comment(
        'The client as Backstage authenticates it: external:<prefix>:<sub>',
      );
    table
      .string('owner', 255)
      .notNullable()
      .comment('The user entity ref it acts for');
    table.string('description', 200).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('last_used_at', { useTz: true }).nullable();
    table
      .timestamp('removed_at', { useTz: true })
      .nullable()
      .comment('Removed: its tokens are refused');
    table.index(['owner'], 'api_clients_by_owner');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('api_clients');
};
