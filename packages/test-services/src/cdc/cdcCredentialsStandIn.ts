import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';

/**
 * A stand-in, for tests and benchmarks on the local services, for what a PoP
 * does with a PostgreSQL claim's CDC credentials (the `<claim>-cdc` Secret's
 * password): CloudNativePG's managed roles make the role (login, replication,
 * a member of the database's owner), and Strimzi's Kubernetes config provider
 * hands the password to Kafka Connect. Here the role is made on the shared
 * PostgreSQL server, and the password is put where the local Connect
 * worker's DirectoryConfigProvider reads `${dir:<secretsDir>/<namespace>/<secret>:password}`.
 */
export async function cdcCredentialsStandIn(options: {
  /** A superuser connection to the PostgreSQL server. */
  superuser: Client;
  /** The CDC role (the operator's CDC_USER). */
  user: string;
  /** The role that owns the captured tables (CloudNativePG's `app`). */
  owner: string;
  password: string;
  /** DBAAS_KAFKA_CONNECT_SECRETS_DIR of the connect service. */
  secretsDir: string;
  namespace: string;
  secret: string;
}): Promise<void> {
  const { superuser, user } = options;
  const role = superuser.escapeIdentifier(user);
  // Roles are the server's: an earlier run may have made it.
  await superuser.query(`DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${superuser.escapeLiteral(
      user,
    )}) THEN
      CREATE ROLE ${role} LOGIN REPLICATION;
    END IF;
  END $$`);
  await superuser.query(
    `ALTER ROLE ${role} PASSWORD ${superuser.escapeLiteral(options.password)}`,
  );
  await superuser.query(
    `GRANT ${superuser.escapeIdentifier(options.owner)} TO ${role}`,
  );
  const dir = path.join(options.secretsDir, options.namespace, options.secret);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'password'), options.password);
}
