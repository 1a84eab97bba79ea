import { serviceEnv } from './serviceEnv';

/**
 * Makes the PostgreSQL of scripts/services.sh available to Backstage's
 * `TestDatabases` (through BACKSTAGE_TEST_DATABASE_POSTGRES<major>_CONNECTION_STRING).
 * Call it before `TestDatabases.create`. Under CI=true a missing PostgreSQL throws,
 * so store suites cannot pass on SQLite alone; elsewhere it warns and TestDatabases
 * leaves PostgreSQL out.
 */
export function withTestPostgres(): void {
  const result = serviceEnv('postgres');
  if (!('missing' in result)) {
    return;
  }
  if (process.env.CI) {
    throw new Error(`Store tests need PostgreSQL: ${result.missing}`);
  }
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! Store tests run on SQLite only: ${result.missing}\n(With CI=true this fails.)\n`,
  );
}
