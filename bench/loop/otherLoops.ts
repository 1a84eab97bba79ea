import { readdir, readFile, readlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * The pids of ServiceClaim operator processes already running from this
 * tree: another whole loop (the whole-loop test, scripts/start-with-services.sh)
 * is using the services. There is one Argo CD, and each loop bootstraps it
 * from its own repository and runs the PoPs' operators under the same
 * identity, so two at once break each other.
 */
export async function otherLoopOperators(repoRoot: string): Promise<number[]> {
  const operatorDir = path.join(repoRoot, 'operators/serviceclaim-operator');
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!pid || pid === process.pid) continue;
    try {
      const [cwd, cmdline] = await Promise.all([
        readlink(`/proc/${pid}/cwd`),
        readFile(`/proc/${pid}/cmdline`, 'utf8'),
      ]);
      if (cwd === operatorDir && cmdline.split('\0').includes('src/main.ts')) {
        found.push(pid);
      }
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
