import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { isNotFound } from './isNotFound';
import { copyObjects } from './looseObjects';
import { sleep } from '@internal/backstage-plugin-dbaas-node';
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
 * Updating a branch follows git's own protocol: take `{ref}.lock`
 * exclusively, check the branch still is where this commit started, write the
 * lock and rename it over the ref. Git and every replica of the portal take the
 * same lock, so none of them can overwrite another's commit.
 */
export class LocalTransport implements Transport {
  constructor(
    private readonly bare: string,
    private readonly gitdir: string,
    private readonly cache: object,
  ) {}

  get objects() {
    return this.bare;
  }

  async fetch(branch: string) {
    return resolveBranch(this.bare, branch);
  }

  async push(branch: string, to: string, from: string | undefined) {
    // Lost already: spare the repository the objects of a commit that cannot land.
    if ((await resolveBranch(this.bare, branch)) !== from) return false;
    await copyObjects(this.gitdir, this.bare, to, this.cache);
    return this.underLock(branch, from, async (handle, ref, lock) => {
      await handle.writeFile(`${to}\n`);
      await handle.sync();
      await handle.close();
      await fs.promises.rename(lock, ref);
    });
  }

  async delete(branch: string, at: string) {
    // Gone or moved already: taking the lock would only make its folders again.
    if ((await resolveBranch(this.bare, branch)) !== at) return false;
    return this.underLock(branch, at, async (handle, ref, lock) => {
      const packed = await fs.promises
        .readFile(path.join(this.bare, 'packed-refs'), 'utf8')
        .catch(() => '');
      if (packed.includes(` refs/heads/${branch}\n`)) {
        // Packed by a `git gc`: rewriting packed-refs is git's job.
        throw new Error(
          `Branch ${branch} of ${this.bare} is packed; delete it with git`,
        );
      }
      await handle.close();
      await fs.promises.rm(ref);
      await fs.promises.rm(lock, { force: true });
      // As git does: the folders of a branch name go with the last branch in them.
      const heads = path.join(this.bare, 'refs', 'heads');
      for (
        let dir = path.dirname(ref);
        dir.startsWith(`${heads}${path.sep}`);
        dir = path.dirname(dir)
      ) {
        const removed = await fs.promises.rmdir(dir).then(
          () => true,
          () => false,
        );
        if (!removed) break;
      }
    });
  }

  /**
   * Runs `update` holding the branch's lock, if the branch is at `expected`;
   * `update` renames or removes the lock itself once the ref is written.
   */
  private async underLock(
    branch: string,
    expected: string | undefined,
    update: (
      handle: fs.promises.FileHandle,
      ref: string,
      lock: string,
    ) => Promise<void>,
  ): Promise<boolean> {
    const ref = path.join(this.bare, 'refs', 'heads', ...branch.split('/'));
    const lock = `${ref}.lock`;
    const handle = await this.acquire(lock);
    let done = false;
    try {
      if ((await resolveBranch(this.bare, branch)) !== expected) return false;
      await update(handle, ref, lock);
      done = true;
      return true;
    } finally {
      if (!done) {
        await handle.close().catch(() => undefined);
        // Only ours to remove until the update is done; afterwards it may be another writer's.
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
        const code = errorCode(error);
        if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
        if (Date.now() - start > LOCK_TIMEOUT_MS) {
          throw new Error(
            `${lock} has been held for over ${LOCK_TIMEOUT_MS} ms; if no git process or portal replica is writing, a crashed writer left it and it can be removed`,
          );
        }
        if (code === 'ENOENT') {
          // The branch's folder is new, or another writer just removed it
          // with the last branch in it.
          await fs.promises.mkdir(path.dirname(lock), { recursive: true });
          continue;
        }
        // Writers hold it for a rename's time; a short wait is enough.
        await sleep(2 + Math.random() * 10);
      }
    }
  }
}
