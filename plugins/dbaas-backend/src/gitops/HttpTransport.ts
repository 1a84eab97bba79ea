import fs from 'node:fs';
import git, { Errors } from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { isNotFound } from './isNotFound';
import type { Transport } from './Transport';

/**
 * An http(s) remote through isomorphic-git. The remote checks that the branch
 * is still where the commit started, so a push never overwrites another's
 * commit; a rejection comes back either as isomorphic-git's own fast-forward
 * check or as the server refusing to update the ref.
 */
export class HttpTransport implements Transport {
  constructor(
    private readonly url: string,
    private readonly gitdir: string,
    private readonly branch: string,
    private readonly auth: { username: string; password: string } | undefined,
    private readonly cache: object,
  ) {}

  get objects() {
    return this.gitdir;
  }

  private get onAuth() {
    const auth = this.auth;
    return auth ? () => auth : undefined;
  }

  async fetch() {
    try {
      const result = await git.fetch({
        fs,
        http,
        gitdir: this.gitdir,
        url: this.url,
        ref: this.branch,
        singleBranch: true,
        tags: false,
        onAuth: this.onAuth,
        cache: this.cache,
      });
      return result.fetchHead ?? undefined;
    } catch (error) {
      // The repository has branches, but not this one yet.
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async push() {
    try {
      await git.push({
        fs,
        http,
        gitdir: this.gitdir,
        url: this.url,
        ref: this.branch,
        remoteRef: this.branch,
        onAuth: this.onAuth,
        cache: this.cache,
      });
      return true;
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      if (code === Errors.PushRejectedError.code) return false;
      if (
        code === Errors.GitPushError.code &&
        /non-fast-forward|fetch first|failed to (update|lock)|cannot lock|stale info|incorrect old value/i.test(
          message ?? '',
        )
      ) {
        return false;
      }
      throw error;
    }
  }
}
