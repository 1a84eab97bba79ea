import knexFactory, { type Knex } from 'knex';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a bench database lives; plain data, so it can be handed to the server process. */
export type BenchDatabaseTarget =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'postgres'; connectionString: string };

/** A database made for one bench run. */
export type BenchDatabase = {
  target: BenchDatabaseTarget;
  /** What to call it in the output. */
  label: string;
  /** Removes it with all its data. */
  drop(): Promise<void>;
};

/**
 * The knex config backend-defaults would build for the target: better-sqlite3
 * with foreign keys on and knex's single-connection pool, or pg with knex's
 * default pool of at most 10 connections and none kept idle.
 */
export function knexConfigOf(target: BenchDatabaseTarget): Knex.Config {
  if (target.kind === 'sqlite') {
    return {
      client: 'better-sqlite3',
      connection: { filename: target.filename },
      useNullAsDefault: true,
      pool: {
        afterCreate(
          connection: { pragma(source: string): unknown },
          done: (error: Error | null, connection: unknown) => void,
        ) {
          connection.pragma('foreign_keys = ON');
          done(null, connection);
        },
      },
    };
  }
  return {
    client: 'pg',
    connection: { connectionString: target.connectionString },
    useNullAsDefault: true,
    pool: { min: 0 },
  };
}

/** A SQLite file in a fresh temporary directory. */
export async function createSqliteBenchDatabase(): Promise<BenchDatabase> {
  const directory = await mkdtemp(join(tmpdir(), 'dbaas-bench-'));
  const filename = join(directory, 'dbaas.sqlite');
  return {
    target: { kind: 'sqlite', filename },
    label: `SQLite (${filename})`,
    drop: () => rm(directory, { recursive: true, force: true }),
  };
}

/** A fresh database on the PostgreSQL server the admin connection string points at. */
export async function createPostgresBenchDatabase(
  adminConnectionString: string,
): Promise<BenchDatabase> {
  const name = `dbaas_bench_${process.pid}_${Date.now()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: adminConnectionString,
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw('CREATE DATABASE ??', [name]);
    const [{ server_version: version }] = (
      await admin.raw('SHOW server_version')
    ).rows;
    const url = new URL(adminConnectionString);
    url.pathname = `/${name}`;
    return {
      target: { kind: 'postgres', connectionString: url.toString() },
      label: `PostgreSQL ${version} (database ${name} on ${url.host})`,
      async drop() {
        const dropper = knexFactory({
          client: 'pg',
          connection: adminConnectionString,
          pool: { min: 0, max: 1 },
        });
        try {
          await dropper.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
        } finally {
          await dropper.destroy();
        }
      },
    };
  } finally {
    await admin.destroy();
  }
}
