import fs from 'node:fs';
import git, { Errors } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { isNotFound } from './isNotFound';
import type { GitAuth, Transport } from './Transport';

const NO_COMMIT = '0000000000000000000000000000000000000000';

/**
 * An http(s) remote through isomorphic-git. A push names the commit the branch
 * must still be at, so it never overwrites another's commit: the check is made
 * on the refs the remote advertises, and the remote makes it again when it
 * updates the ref, so a rejection comes back either as a cancelled push or as
 * the server refusing the update.
 */
export class HttpTransport implements Transport {
  constructor(
    private readonly url: string,
    private readonly gitdir: string,
    /** The branch fetched again and again: its local refs are kept to fetch less. */
    private readonly baseBranch: string,
    private readonly auth: GitAuth | undefined,
    private readonly cache: object,
  ) {}

  get objects() {
    return this.gitdir;
  }

  private get onAuth() {
    const auth = this.auth;
    // Without credentials the remote's 401 stands, as an HttpError.
    return auth ? () => auth() : undefined;
  }

  async fetch(branch: string) {
    try {
      const result = await git.fetch({
        fs,
        http,
        gitdir: this.gitdir,
        url: this.url,
        ref: branch,
        singleBranch: true,
        tags: false,
        onAuth: this.onAuth,
        cache: this.cache,
      });
      return result.fetchHead ?? undefined;
    } catch (error) {
      // The repository has branches, but not this one (yet).
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async push(branch: string, to: string, from: string | undefined) {
    return this.update(branch, to, from ?? NO_COMMIT);
  }

  async delete(branch: string, at: string) {
    return this.update(branch, undefined, at);
  }

  /** Sets the remote branch to `to` (deletes it when undefined) if it is at `expected`. */
  private async update(
    branch: string,
    to: string | undefined,
    expected: string,
  ): Promise<boolean> {
    const ref = `refs/heads/${branch}`;
    // isomorphic-git pushes a local ref; for a delete it only has to exist.
    await git.writeRef({
      fs,
      gitdir: this.gitdir,
      ref,
      value: to ?? expected,
      force: true,
    });
    try {
      await git.push({
        fs,
        http,
        gitdir: this.gitdir,
        url: this.url,
        ref: branch,
        remoteRef: branch,
        delete: to === undefined,
        onAuth: this.onAuth,
        onPrePush: ({ remoteRef }) => remoteRef.oid === expected,
        cache: this.cache,
      });
      return true;
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (
        code === Errors.UserCanceledError.code ||
        code === Errors.PushRejectedError.code
      ) {
        return false;
      }
      if (
        code === Errors.GitPushError.code &&
        /non-fast-forward|fetch first|failed to (update|lock)|cannot lock|stale info|incorrect old value/i.test(
          message ?? '',
        )
      ) {
        return false;
      }
      throw error;
    } finally {
      if (branch !== this.baseBranch) {
        // Proposal branches are pushed once: their refs would only pile up in the clone.
        for (const stale of [ref, `refs/remotes/origin/${branch}`]) {
          await git
            .deleteRef({ fs, gitdir: this.gitdir, ref: stale })
            .catch(() => undefined);
        }
      }
    }
  }
}
