import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './repoRoot';
import type { ServiceName } from './services';

/**
 * `scripts/services.sh restart NAME`: the service stops and starts again on
 * the same ports with the same data, for tests of an outage.
 */
export function restartService(name: ServiceName): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(repoRoot, 'scripts/services.sh'),
      ['restart', name],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', code =>
      code === 0
        ? resolve()
        : reject(new Error(`restart ${name} exited with ${code}`)),
    );
  });
}
