import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import git from 'isomorphic-git';
import { isNotFound } from './isNotFound';
import type { Transport } from './Transport';

const run = promisify(execFile);

/** A push that takes longer than this on one machine is stuck, not slow. */
const PUSH_TIMEOUT_MS = 30_000;

/** What git says when the branch was not where the push expected it. */
const LOST_RACE =
  /stale info|\[rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to (update|lock)|incorrect old value/i;

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
 * holds what a commit adds, and borrows the rest through git's alternates.
 *
 * Branches are moved by git itself (`git push --force-with-lease`): git copies
 * the commit's objects and updates the ref under its own lock only if the
 * branch is still where this commit started, so neither another replica nor a
 * person running git can lose a commit to this one.
 */
export class LocalTransport implements Transport {
  constructor(private readonly bare: string, private readonly gitdir: string) {}

  get objects() {
    return this.bare;
  }

  async fetch(branch: string) {
    return resolveBranch(this.bare, branch);
  }

  async push(branch: string, to: string, from: string | undefined) {
    // Lost already: spare git the work of a commit that cannot land.
    if ((await resolveBranch(this.bare, branch)) !== from) return false;
    return this.update(`${to}:refs/heads/${branch}`, branch, from);
  }

  async delete(branch: string, at: string) {
    // Gone or moved already.
    if ((await resolveBranch(this.bare, branch)) !== at) return false;
    return this.update(`:refs/heads/${branch}`, branch, at);
  }

  /** Pushes `refspec` if the branch is at `expected` (absent when undefined). */
  private async update(
    refspec: string,
    branch: string,
    expected: string | undefined,
  ): Promise<boolean> {
    await this.borrowObjects();
    try {
      await run(
        'git',
        [
          `--git-dir=${this.gitdir}`,
          'push',
          '--quiet',
          '--no-verify',
          // An empty expectation: the branch must not exist yet.
          `--force-with-lease=refs/heads/${branch}:${expected ?? ''}`,
          this.bare,
          refspec,
        ],
        {
          timeout: PUSH_TIMEOUT_MS,
          env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
        },
      );
      return true;
    } catch (error) {
      const { stderr, stdout } = error as { stderr?: string; stdout?: string };
      if (LOST_RACE.test(`${stderr ?? ''}\n${stdout ?? ''}`)) return false;
      throw new Error(
        `git push to ${this.bare} failed: ${(stderr ?? '').trim() || error}`,
      );
    }
  }

  /**
   * The clone's commits have the repository's objects as parents: git must
   * see those to push, so the clone names the repository's object store as
   * an alternate (objects/info/alternates), as `git clone --shared` does.
   */
  private async borrowObjects(): Promise<void> {
    // Written at every push: it is one line, and the clone may have been
    // made anew since the last (see GitOpsRepository's openClone).
    const info = path.join(this.gitdir, 'objects', 'info');
    await fs.promises.mkdir(info, { recursive: true });
    await fs.promises.writeFile(
      path.join(info, 'alternates'),
      `${path.resolve(this.bare, 'objects')}\n`,
    );
  }
}
