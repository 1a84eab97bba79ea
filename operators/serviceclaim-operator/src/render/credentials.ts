import type { EngineId } from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject } from './types';
import { VITESS_INIT_DB_SQL } from './vitessInitDb';

/**
 * The database user a claim's connection details name, per engine. CloudNativePG
 * makes its own (`app`); YugabyteDB Anywhere, Vitess, Dragonfly, Aerospike and
 * MongoDB create theirs from the credentials Secret below; ScyllaDB's is created
 * by the claim's role Job (render/engines/scyllaRoles.ts).
 */
export const DATABASE_USER: Record<EngineId, string> = {
  yugabyte: 'yugabyte',
  vitess: 'app',
  scylla: 'app',
  dragonfly: 'default',
  aerospike: 'app',
  mongodb: 'app',
  postgresql: 'app',
};

/** The key of the password in every credentials Secret. */
export const PASSWORD_KEY = 'password';
/** vtgate's static authentication file in a Vitess claim's credentials Secret. */
export const VITESS_USERS_KEY = 'users.json';
/** The tablets' init script in a Vitess claim's credentials Secret. */
export const VITESS_INIT_DB_KEY = 'init_db.sql';

/**
 * The Secret the operator creates once per claim, before applying the rendered
 * resources, with a generated password: `<claim>-credentials`. Renderers only
 * name it; a password never appears in a rendered resource or a golden file.
 * Undefined for engines whose operator generates the credentials itself
 * (CloudNativePG: `<claim>-app`).
 */
export type CredentialsSecret = {
  name: string;
  username: string;
  /**
   * The Secret's keys and how each value is made: from the claim's generated
   * password, or from `fresh`, a value generated for that key alone. Always
   * `username` and `password`, plus the forms an engine reads.
   */
  keys: Record<string, (password: string, fresh: string) => string>;
};

/** The credentials Secret a claim needs, or undefined when the engine makes its own. */
export function credentialsSecret(
  claim: ClaimObject,
): CredentialsSecret | undefined {
  const { engine } = claim.spec;
  if (engine === 'postgresql') return undefined;
  const username = DATABASE_USER[engine];
  const keys: CredentialsSecret['keys'] = {
    username: () => username,
    [PASSWORD_KEY]: password => password,
  };
  if (engine === 'yugabyte') {
    // The YugabyteDB operator reads the YSQL password under this key.
    keys.ysqlPassword = password => password;
  }
  if (engine === 'vitess') {
    // vtgate's static authentication file: user name to a list of passwords.
    keys[VITESS_USERS_KEY] = password =>
      JSON.stringify({
        [username]: [{ Password: password, UserData: username }],
      });
    // The VitessCluster CRD takes the tablets' init script from a Secret only.
    keys[VITESS_INIT_DB_KEY] = () => VITESS_INIT_DB_SQL;
  }
  return { name: `${claim.metadata.name}-credentials`, username, keys };
}

/**
 * The administrator each engine with a default superuser gets instead of it,
 * under a generated password. Not the tenant's: the claim status never names
 * it. Aerospike's operator requires its admin user to be named `admin`; the
 * ScyllaDB role Job creates `dbaas_admin` and retires `cassandra`.
 */
export const ADMIN_USER: Partial<Record<EngineId, string>> = {
  aerospike: 'admin',
  scylla: 'dbaas_admin',
};

/**
 * The Secret with the generated password of the engine's administrator,
 * `<claim>-admin`, made once like the credentials Secret; undefined for
 * engines whose rendered resources leave no default administrator to replace
 * (docs/engines.md, "Credentials").
 */
export function adminSecret(claim: ClaimObject): CredentialsSecret | undefined {
  const username = ADMIN_USER[claim.spec.engine];
  if (!username) return undefined;
  return {
    name: `${claim.metadata.name}-admin`,
    username,
    // Its own password: the tenant's password never unlocks the admin account.
    keys: {
      username: () => username,
      [PASSWORD_KEY]: (_password, fresh) => fresh,
    },
  };
}

/**
 * The CQL role Scylla Manager needs to back up a ScyllaDB claim's schema (Scylla
 * Manager v3.9.1 pkg/service/backup/worker_schema.go: without CQL credentials a
 * backup of ScyllaDB 2024.2 and later fails). Login only, no grant: it reads
 * the schema, never the tenant's data. The role Job creates it.
 */
export const SCYLLA_MANAGER_USER = 'dbaas_manager';

/**
 * The Secret with the generated password of the ScyllaDB claim's Scylla Manager
 * role, `<claim>-manager`; undefined for other engines. The Scylla operator
 * cannot hand CQL credentials to Scylla Manager, so the platform registers
 * these with it (docs/engines.md, ScyllaDB).
 */
export function scyllaManagerSecret(
  claim: ClaimObject,
): CredentialsSecret | undefined {
  if (claim.spec.engine !== 'scylla') return undefined;
  return {
    name: `${claim.metadata.name}-manager`,
    username: SCYLLA_MANAGER_USER,
    keys: {
      username: () => SCYLLA_MANAGER_USER,
      [PASSWORD_KEY]: (_password, fresh) => fresh,
    },
  };
}

/**
 * The Percona operator's system users (backup agent, cluster and user
 * administration, monitoring) under the keys it reads
 * (pkg/controller/perconaservermongodb/secrets.go, fillSecretData at v1.22.0),
 * as `<claim>-system-users`. Made here rather than left to the operator, which
 * would create it without an owner: it then goes with the claim. Never the
 * tenant's; undefined for other engines.
 */
export function mongodbSystemUsersSecret(
  claim: ClaimObject,
): CredentialsSecret | undefined {
  if (claim.spec.engine !== 'mongodb') return undefined;
  const users: Record<string, string> = {
    BACKUP: 'backup',
    DATABASE_ADMIN: 'databaseAdmin',
    CLUSTER_ADMIN: 'clusterAdmin',
    CLUSTER_MONITOR: 'clusterMonitor',
    USER_ADMIN: 'userAdmin',
  };
  const keys: CredentialsSecret['keys'] = {};
  for (const [role, user] of Object.entries(users)) {
    keys[`MONGODB_${role}_USER`] = () => user;
    keys[`MONGODB_${role}_PASSWORD`] = (_password, fresh) => fresh;
  }
  return {
    name: `${claim.metadata.name}-system-users`,
    username: users.CLUSTER_ADMIN,
    keys,
  };
}

/**
 * The PostgreSQL role the claim's CDC pipelines read changes as: a login
 * with REPLICATION (for the slots), a member of `app` (so that it may read and
 * publish the tenant's tables). Only the connectors use it, never the tenant.
 */
export const CDC_USER = 'dbaas_cdc';

/**
 * The Secret with the generated password of the CDC role, `<claim>-cdc`, for
 * a PostgreSQL claim with pipelines; undefined otherwise. CloudNativePG sets
 * the role's password from it (managed roles), Kafka Connect reads it through
 * its config provider, and the operator logs in with it to drop a removed
 * pipeline's slot and publication.
 */
export function cdcSecret(claim: ClaimObject): CredentialsSecret | undefined {
  if (claim.spec.engine !== 'postgresql' || !claim.spec.cdc?.pipelines.length) {
    return undefined;
  }
  return {
    name: cdcSecretName(claim),
    username: CDC_USER,
    keys: {
      username: () => CDC_USER,
      [PASSWORD_KEY]: (_password, fresh) => fresh,
    },
  };
}

/** `<claim>-cdc`, which stays once made, with or without pipelines. */
export function cdcSecretName(claim: ClaimObject): string {
  return `${claim.metadata.name}-cdc`;
}

/** Every Secret the operator generates for a claim before applying it. */
export function generatedSecrets(claim: ClaimObject): CredentialsSecret[] {
  return [
    credentialsSecret(claim),
    adminSecret(claim),
    scyllaManagerSecret(claim),
    mongodbSystemUsersSecret(claim),
    cdcSecret(claim),
  ].filter((secret): secret is CredentialsSecret => secret !== undefined);
}
