import type { EngineId } from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject } from './types';
import { VITESS_INIT_DB_SQL } from './vitessInitDb';

/**
 * The database user a claim's connection details name, per engine. CloudNativePG
 * makes its own (`app`); the others are created by the engine operator from the
 * credentials Secret below.
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
  if (engine === 'mongodb') {
    // Basic auth of the agent's Prometheus endpoint.
    keys.metricsUsername = () => 'prometheus';
    keys.metricsPassword = (_password, fresh) => fresh;
  }
  return { name: `${claim.metadata.name}-credentials`, username, keys };
}
