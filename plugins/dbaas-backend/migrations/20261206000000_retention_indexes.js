// @ts-check

/**
 * Indexes for the retention pass (src/retention): it deletes the audit
 * events, the alert events and the resolved alerts older than their
 * retention, oldest first in batches, every few hours. Without these it would
 * read each table whole for each batch.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('audit_events', table => {
    table.index(['occurred_at'], 'audit_events_time');
  });
  await knex.schema.alterTable('alert_events', table => {
    table.index(['occurred_at'], 'alert_events_time');
  });
  await knex.schema.alterTable('service_alerts', table => {
    table.index(['status', 'ends_at'], 'service_alerts_ended');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_alerts', table => {
    table.dropIndex(['status', 'ends_at'], 'service_alerts_ended');
  });
  await knex.schema.alterTable('alert_events', table => {
    table.dropIndex(['occurred_at'], 'alert_events_time');
  });
  await knex.schema.alterTable('audit_events', table => {
    table.dropIndex(['occurred_at'], 'audit_events_time');
  });
};
