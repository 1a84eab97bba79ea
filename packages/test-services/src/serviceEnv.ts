import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './repoRoot';
import { serviceMarkers, type ServiceName } from './services';

/** Where scripts/services.sh keeps the state of started services. */
export function stateDir(): string {
  return (
    process.env.DBAAS_SERVICES_STATE ??
    path.join(process.env.TMPDIR ?? os.tmpdir(), 'dbaas-services')
  );
}

/** Variables a started service recorded in its env file (`export NAME=value` lines). */
function readEnvFile(name: ServiceName): Record<string, string> | undefined {
  const file = path.join(stateDir(), name, 'env');
  if (!fs.existsSync(file)) {
    return undefined;
  }
  // The file is written with bash's printf %q, so bash reads it back exactly.
  const result = spawnSync(
    'bash',
    ['-c', `set -a; source "$1"; env -0`, 'bash', file],
    { encoding: 'utf8', env: {} },
  );
  if (result.status !== 0) {
    throw new Error(`Could not read ${file}: ${result.stderr}`);
  }
  return Object.fromEntries(
    result.stdout
      .split('\0')
      .filter(Boolean)
      .map(line => [
        line.slice(0, line.indexOf('=')),
        line.slice(line.indexOf('=') + 1),
      ])
      .filter(
        ([key]) =>
          key.startsWith('DBAAS_') ||
          key.startsWith('KEYCLOAK_') ||
          key.startsWith('BACKSTAGE_'),
      ),
  );
}

/**
 * The endpoints of a service: from the environment when the test command started it,
 * else from the env file of a service someone started earlier, else (locally, unless
 * DBAAS_SERVICES_AUTOSTART=0) by starting it now. Services started here keep running
 * for the next suites; `scripts/services.sh stop` ends them.
 *
 * Returns an explanation instead when the service cannot be had.
 */
export function serviceEnv(
  name: ServiceName,
): { env: Record<string, string> } | { missing: string } {
  const marker = serviceMarkers[name];
  if (process.env[marker]) {
    return { env: process.env as Record<string, string> };
  }
  let env = readEnvFile(name);
  if (!env && process.env.DBAAS_SERVICES_AUTOSTART !== '0') {
    const started = spawnSync(
      path.join(repoRoot, 'scripts/services.sh'),
      ['start', name],
      { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] },
    );
    if (started.status !== 0) {
      return {
        missing: `scripts/services.sh start ${name} failed:\n${started.stderr.slice(
          -2000,
        )}`,
      };
    }
    env = readEnvFile(name);
  }
  if (!env?.[marker]) {
    return {
      missing: `service ${name} is not running (no ${marker}); start it with scripts/services.sh start ${name}`,
    };
  }
  Object.assign(process.env, env);
  return { env };
}
