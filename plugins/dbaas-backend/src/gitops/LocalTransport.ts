import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { isNotFound } from './isNotFound';
import { copyObjects } from './looseObjects';
import { sleep } from './sleep';
import type { Transport } from './Transport';

const LOCK_TIMEOUT_MS = 5000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException)?.code;
}

async function resolveBranch(
  gitdir: string,
  branch: string,
): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs, gitdir, ref: `refs/heads/${branch}` });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * A bare repository on this machine. Its objects are read where they are, so a
 * fetch is reading the ref, however far behind this replica is; the clone only
 * holds what a commit adds until the push copies it over.
 *
 * Updating the branch follows git's own protocol: take `{ref}.lock`
 * exclusively, check the branch still is where this commit started, write the
 * lock and rename it over the ref. Git and every replica of the portal take the
 * same lock, so none of them can overwrite another's commit.
 */
export class LocalTransport implements Transport {
  constructor(
    private readonly bare: string,
    private readonly gitdir: string,
    private readonly branch: string,
    private readonly cache: object,
  ) {}

  get objects() {
    return this.bare;
  }

  async fetch() {
    return resolveBranch(this.bare, this.branch);
  }

  async push(to: string, from: string | undefined) {
    // Lost already: spare the repository the objects of a commit that cannot land.
    if ((await resolveBranch(this.bare, this.branch)) !== from) return false;
    await copyObjects(this.gitdir, this.bare, to, this.cache);
    const ref = path.join(
      this.bare,
      'refs',
      'heads',
      ...this.branch.split('/'),
    );
    const lock = `${ref}.lock`;
    await fs.promises.mkdir(path.dirname(ref), { recursive: true });
    const handle = await this.acquire(lock);
    let renamed = false;
    try {
      if ((await resolveBranch(this.bare, this.branch)) !== from) return false;
      await handle.writeFile(`${to}\n`);
      await handle.sync();
      await handle.close();
      await fs.promises.rename(lock, ref);
      renamed = true;
      return true;
    } finally {
      if (!renamed) {
        await handle.close().catch(() => undefined);
        // Only ours to remove until renamed; afterwards it may be another writer's.
        await fs.promises.rm(lock, { force: true });
      }
    }
  }

  private async acquire(lock: string): Promise<fs.promises.FileHandle> {
    const start = Date.now();
    for (;;) {
      try {
        return await fs.promises.open(lock, 'wx');
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
        if (Date.now() - start > LOCK_TIMEOUT_MS) {
          throw new Error(
            `${lock} has been held for over ${LOCK_TIMEOUT_MS} ms; if no git process or portal replica is writing, a crashed writer left it and it can be removed`,
          );
        }
        // Writers hold it for a rename's time; a short wait is enough.
        await sleep(2 + Math.random() * 10);
      }
    }
  }
}
