import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import type { Knex } from 'knex';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The PostgreSQL advisory lock a replica holds while one plugin migrates. Advisory
 * locks belong to a database, and by default each plugin has a database of its
 * own, so one key serializes the replicas of each plugin. With
 * `pluginDivisionMode: schema` the plugins share a database and take turns too,
 * which costs only time: nobody waits holding anything but the polling loop.
 */
export const MIGRATION_LOCK_KEY = 4_712_202_611;

/**
 * Runs `migrate` while holding the migration lock of `client`'s database, so
 * that replicas of the backend starting together migrate one after the other.
 * Not on SQLite, which only one process uses.
 *
 * A session lock on a connection of its own, taken by polling: PostgreSQL's
 * `CREATE INDEX CONCURRENTLY` (the catalog's migrations use it) waits for every
 * transaction of the database that holds a snapshot, so neither a transaction
 * holding the lock nor a statement blocked waiting for it may stay open while
 * another replica migrates. A replica that dies holding it ends its session,
 * which releases it.
 */
export async function migrateOneAtATime<T>(
  client: Knex,
  migrate: () => Promise<T>,
): Promise<T> {
  if (client.client.config.client !== 'pg') return migrate();
  const connection = await client.client.acquireConnection();
  const query = (sql: string) =>
    client.raw(sql, [MIGRATION_LOCK_KEY]).connection(connection);
  try {
    for (;;) {
      const { rows } = await query('SELECT pg_try_advisory_lock(?) AS locked');
      if (rows[0].locked) break;
      await delay(100 + Math.random() * 100);
    }
    try {
      return await migrate();
    } finally {
      await query('SELECT pg_advisory_unlock(?)');
    }
  } finally {
    await client.client.releaseConnection(connection);
  }
}

/**
 * A knex client whose `migrate.latest` takes turns with the other replicas'
 * (everything else is the client itself). knex's own migration lock is a row of
 * a table knex creates on the first run, and that creation is not safe for two
 * replicas starting on an empty database: one fails on the table the other has
 * just created, or both insert a lock row and every later start fails with
 * MigrationLocked (backstage/backstage#26546). Every plugin migrates through
 * `client.migrate`, so wrapping it here covers Backstage's plugins and ours.
 */
function withSerialMigrations(client: Knex): Knex {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'migrate') return value;
      const migrator = value as Knex.Migrator;
      return new Proxy(migrator, {
        get(migratorTarget, name, migratorReceiver) {
          const method = Reflect.get(migratorTarget, name, migratorReceiver);
          if (name !== 'latest') return method;
          return (config?: Knex.MigratorConfig) =>
            migrateOneAtATime(target, () =>
              migratorTarget.latest.call(migratorTarget, config),
            );
        },
      });
    },
  });
}

/**
 * Backstage's database service (`databaseServiceFactory` of
 * `@backstage/backend-defaults`, whose root context and per-plugin service this
 * repeats: it offers no way to wrap the clients it hands out), with each plugin's
 * migrations serialized across the backend's replicas. The portal's chart runs
 * two replicas on one PostgreSQL; on a fresh install they start together.
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    return DatabaseManager.fromConfig(
      config.getOptional('backend.database')
        ? config
        : new ConfigReader({
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
          }),
      { rootLifecycle, rootLogger },
    );
  },
  async factory({ pluginMetadata, lifecycle, logger }, manager) {
    const database = manager.forPlugin(pluginMetadata.getId(), {
      lifecycle,
      logger,
    });
    let client: Promise<Knex> | undefined;
    return {
      ...database,
      getClient() {
        client ??= database.getClient().then(withSerialMigrations, error => {
          client = undefined;
          throw error;
        });
        return client;
      },
    };
  },
});
