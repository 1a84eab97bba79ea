// @ts-check

/**
 * Alerts about databases, as Alertmanager sends them to the portal's webhook:
 * one row per firing (an alert's fingerprint and when it started), so that
 * Alertmanager's repeats and every replica's copy of them are one row, told
 * to the team once when it fires and once when it resolves. Beside them, the
 * mutes teams put on a database's alerts, and the outbox of alert events the
 * relay publishes to `dbaas.alerts.{tenant}`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('service_alerts', table => {
    table.comment('Alerts about databases, one row per firing');
    table.uuid('id').primary();
    table.uuid('service_id').notNullable();
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment("Alertmanager's fingerprint of the alert's labels");
    table
      .timestamp('starts_at', { useTz: true })
      .notNullable()
      .comment('When the alert began firing, as Prometheus says');
    table.string('alertname', 200).notNullable();
    table.string('severity', 32).notNullable();
    table.string('status', 16).notNullable().comment('firing or resolved');
    table.text('labels').notNullable().comment("The alert's labels as JSON");
    table
      .text('annotations')
      .notNullable()
      .comment("The alert's annotations as JSON");
    table
      .boolean('muted')
      .notNullable()
      .comment("Fired while the database's alerts were muted: nobody was told");
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.timestamp('ends_at', { useTz: true }).nullable();
    table.unique(['service_id', 'fingerprint', 'starts_at']);
    // A database's alerts, newest first.
    table.index(['service_id', 'starts_at'], 'service_alerts_by_service');
  });
  await knex.schema.createTable('service_alert_mutes', table => {
    table.comment('Databases whose alerts nobody is told of, until a time');
    table.uuid('service_id').primary();
    table.timestamp('until', { useTz: true }).notNullable();
    table.string('reason', 500).notNullable();
    table.string('muted_by', 255).notNullable();
    table.timestamp('muted_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('alert_events', table => {
    table.comment(
      'Alert events, published to dbaas.alerts.{tenant} by the relay',
    );
    table
      .bigIncrements('seq', { primaryKey: true })
      .comment('Insertion order: the relay publishes in this order');
    table
      .uuid('id')
      .notNullable()
      .unique()
      .comment('Event id; consumers deduplicate on it');
    table.string('tenant', 255).notNullable();
    table.text('payload').notNullable().comment('The event as published');
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table
      .timestamp('published_at', { useTz: true })
      .nullable()
      .comment('When the relay had Kafka acknowledge it; null while unsent');
    table.index(['seq'], 'alert_events_unsent', {
      predicate: knex.whereNull('published_at'),
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('alert_events');
  await knex.schema.dropTable('service_alert_mutes');
  await knex.schema.dropTable('service_alerts');
};
