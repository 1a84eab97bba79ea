// @ts-check

/**
 * Organizations' role grants, each database's organization and reported status,
 * backups and restores. Organizations and tenants themselves are catalog Groups;
 * only what the catalog cannot hold lives here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('service_instances', table => {
    table
      .string('organization', 255)
      .notNullable()
      .defaultTo('')
      .comment('Catalog group ref of the organization the tenant belongs to');
    table
      .text('reported_status')
      .nullable()
      .comment('The ServiceClaim status last reported from the cluster, JSON');
    table.index(['tenant', 'status'], 'service_instances_tenant_status');
    table.index(['organization'], 'service_instances_organization');
  });
  await knex.schema.createTable('role_grants', table => {
    table.comment(
      'Roles granted to users or groups on an organization or tenant',
    );
    table
      .string('scope', 255)
      .notNullable()
      .comment('Group ref of the organization or tenant the role applies to');
    table.string('organization', 255).notNullable().index();
    table
      .string('principal', 255)
      .notNullable()
      .comment('User or group entity ref');
    table.string('role', 32).notNullable();
    table.string('granted_by', 255).notNullable();
    table.timestamp('granted_at', { useTz: true }).notNullable();
    // One role per principal and scope: granting again replaces it.
    table.primary(['scope', 'principal']);
    table.index(['principal'], 'role_grants_principal');
  });
  await knex.schema.createTable('service_backups', table => {
    table.comment('Backups of databases, requested or scheduled');
    table.uuid('id').primary();
    table.uuid('service_id').notNullable();
    table.string('tenant', 255).notNullable();
    table.string('type', 16).notNullable().comment('scheduled, manual, final');
    table
      .string('status', 16)
      .notNullable()
      .comment('pending, running, completed, failed');
    table.string('description', 500).nullable();
    table.bigInteger('size_bytes').nullable();
    table.string('storage_path', 1024).nullable();
    table.timestamp('started_at', { useTz: true }).nullable();
    table.timestamp('completed_at', { useTz: true }).nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['service_id', 'created_at'], 'service_backups_service');
    table.index(['tenant'], 'service_backups_tenant');
  });
  await knex.schema.createTable('service_restores', table => {
    table.comment(
      'Restores of databases from a backup, optionally to a point in time',
    );
    table.uuid('id').primary();
    table.uuid('service_id').notNullable().index();
    table.uuid('backup_id').notNullable();
    table.timestamp('point_in_time', { useTz: true }).nullable();
    table.string('status', 16).notNullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('service_restores');
  await knex.schema.dropTable('service_backups');
  await knex.schema.dropTable('role_grants');
  await knex.schema.alterTable('service_instances', table => {
    table.dropIndex(['organization'], 'service_instances_organization');
    table.dropIndex(['tenant', 'status'], 'service_instances_tenant_status');
    table.dropColumn('reported_status');
    table.dropColumn('organization');
  });
};
