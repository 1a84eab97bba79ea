// @ts-check

/**
 * The audit trail as a transactional outbox: every mutation inserts its event in
 * the transaction of the change itself, so an event exists exactly when the change
 * (or the refusal) does. The relay publishes unsent rows to Kafka and stamps them;
 * the rows stay as the queryable history of `GET /audit-logs`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('audit_events', table => {
    table.comment(
      'Audit events of the DBaaS API, published to dbaas.audit.{tenant} by the relay',
    );
    table
      .bigIncrements('seq', { primaryKey: true })
      .comment('Insertion order: the relay publishes in this order');
    table
      .uuid('id')
      .notNullable()
      .unique()
      .comment('Event id; consumers deduplicate on it');
    table
      .string('tenant', 255)
      .notNullable()
      .comment('Catalog group ref of the tenant');
    table
      .string('organization', 255)
      .nullable()
      .comment('Catalog group ref of the organization, when known');
    table
      .string('actor', 255)
      .notNullable()
      .comment('User entity ref, or the service that acted');
    table.string('action', 100).notNullable().comment('e.g. service.create');
    table.string('resource_type', 100).notNullable();
    table.string('resource_id', 255).notNullable();
    table.string('request_id', 100).notNullable();
    table.string('outcome', 16).notNullable().comment('succeeded or failed');
    table.text('details').nullable().comment('Further facts as JSON');
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table
      .timestamp('published_at', { useTz: true })
      .nullable()
      .comment('When the relay had Kafka acknowledge it; null while unsent');
    // With seq, the index yields GET /audit-logs' order (newest first) as it is.
    table.index(['tenant', 'occurred_at', 'seq'], 'audit_events_tenant_time');
    // The relay's query, unsent rows oldest first. Partial, so it holds only the
    // backlog and stays small however long the history grows.
    table.index(['seq'], 'audit_events_unsent', {
      predicate: knex.whereNull('published_at'),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('audit_events');
};
