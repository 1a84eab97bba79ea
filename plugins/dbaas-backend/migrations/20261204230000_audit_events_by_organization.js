// @ts-check

/**
 * An organization's audit log (`GET /audit-logs?organization=`) lists the
 * events of all its tenants and its own, newest first. The tenant index cannot
 * serve it: without this one, every page would sort all of the organization's
 * events. With seq, the index yields the list's order as it is.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('audit_events', table => {
    table.index(
      ['organization', 'occurred_at', 'seq'],
      'audit_events_organization_time',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('audit_events', table => {
    table.dropIndex(
      ['organization', 'occurred_at', 'seq'],
      'audit_events_organization_time',
    );
  });
};
