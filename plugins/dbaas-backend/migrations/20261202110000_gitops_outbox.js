// @ts-check

/**
 * Changes of claims waiting to be written to the GitOps repository. A change of
 * a database inserts its row in the transaction of the change itself, so the
 * change and its hand-over commit together; the GitOps publisher writes the
 * repository after the commit, outside any transaction, and deletes the rows it
 * wrote. What is written is always the database's state at publishing time, so
 * a row only says that a database's claim (at `path`) needs writing, and why.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gitops_outbox', table => {
    table.comment('Claims waiting to be written to the GitOps repository');
    table
      .bigIncrements('seq', { primaryKey: true })
      .comment('Insertion order: a database’s changes are written in it');
    table.uuid('service_id').notNullable().comment('The database');
    table
      .string('path', 512)
      .notNullable()
      .comment('The claim’s file in the GitOps repository');
    table
      .string('kind', 16)
      .notNullable()
      .comment('apply, remove or backup: what the change was');
    table
      .integer('generation')
      .notNullable()
      .comment('The database’s generation the change made');
    table.text('message').notNullable().comment('The commit message');
    table
      .string('topic', 255)
      .notNullable()
      .comment('Names the change, as a proposal branch would');
    table
      .string('purpose', 255)
      .nullable()
      .comment('What the commit is for, when not the generation');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .timestamp('next_attempt_at', { useTz: true })
      .notNullable()
      .comment('Not written before this time (backoff after a failure)');
    table.text('last_error').nullable().comment('Why the last attempt failed');
    table
      .string('leased_by', 64)
      .nullable()
      .comment('The publisher writing it now');
    table.timestamp('leased_until', { useTz: true }).nullable();
    table.index(['service_id', 'seq'], 'gitops_outbox_service');
    table.index(['next_attempt_at'], 'gitops_outbox_due');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gitops_outbox');
};
