// @ts-check

/**
 * The replica regions of a multi-region PostgreSQL database start from the
 * primary's WAL archive, which holds nothing until the primary's first base
 * backup completes. The portal records that backup (its engine id) once the
 * primary reports it and commits it in the claim, where the operators of the
 * replica regions wait for it before they make their replica clusters.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .string('primary_backup', 128)
      .nullable()
      .comment(
        "The primary's first completed backup (engine id) that replica regions start from",
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table.dropColumn('primary_backup');
  });
};
