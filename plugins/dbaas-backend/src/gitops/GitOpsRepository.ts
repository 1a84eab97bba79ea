import fs from 'node:fs';
import path from 'node:path';
import git, { Errors } from 'isomorphic-git';
import { ConflictError, InputError } from '@backstage/errors';
import type { ServiceCatalog } from '@internal/backstage-plugin-dbaas-common';
import { assertClaimPath, repoPathProblem } from './claimPath';
import { editTree, type Edit, type TreeStore } from './editTree';
import { HttpTransport } from './HttpTransport';
import { isNotFound } from './isNotFound';
import { LocalTransport } from './LocalTransport';
import { sleep } from './sleep';
import type { Transport } from './Transport';
import { webLinks } from './webLinks';
import { initialLayout, type GitOpsFile } from './gitopsLayout';

// Callers check a path by the rule commit() enforces, from the same module.
export { assertClaimPath };

/** A file to write (`content`) or delete (`content: null`), by repository path. */
export type GitOpsChange = { path: string; content: string | null };

/** Who a commit is by. */
export type GitOpsAuthor = { name: string; email: string };

/** @see GitOpsRepository */
export type GitOpsRepositoryOptions = {
  /**
   * The repository: the absolute path of a bare repository on this machine (the
   * embedded default), or an http(s) URL.
   */
  remote: string;
  /**
   * For an http(s) remote: an access token, sent as the basic-auth password.
   * Credentials written into the URL work too; either way they are sent only
   * in requests, never written to the repository, the clone's config or errors.
   */
  token?: string;
  /**
   * The basic-auth username that goes with the token. GitHub wants
   * `x-access-token`, the default; GitLab takes any name, Bitbucket `x-token-auth`.
   */
  username?: string;
  /**
   * Where this instance keeps its clone of the repository (a bare one). It must
   * be its own: replicas sharing one directory would step on each other's refs.
   */
  workDir: string;
  /** Defaults to `main`. */
  branch?: string;
  /** Its regions are the PoPs the initial layout has overlays for. */
  catalog: ServiceCatalog;
  /**
   * The address Argo CD clones the repository from, written into `argocd/`.
   * Defaults to the remote (without credentials), or `file://` and its path.
   */
  repoURL?: string;
  /** How often to try when other writers keep pushing first. Defaults to 20. */
  maxAttempts?: number;
};

const BACKOFF_BASE_MS = 20;
const BACKOFF_MAX_MS = 1000;

/**
 * The GitOps repository as the portal writes it: claims under `tenants/`,
 * committed and pushed from a clone of its own, never force-pushed. When another
 * writer (another replica, a person) pushes first, the same changes are applied
 * again on the new head and pushed again, so none is lost.
 *
 * Commits are built from the head's trees rather than in a checked-out work
 * tree: only the folders on a changed path are read and rewritten, so a commit
 * costs the same with ten claims or ten thousand, and the time between fetching
 * the head and pushing on it, in which another writer's push makes this one
 * start over, stays a few milliseconds. Nothing is written to the file system
 * by repository path, so a symbolic link in the repository leads nowhere.
 */
export class GitOpsRepository {
  private readonly gitdir: string;
  private readonly branch: string;
  private readonly remoteId: string;
  private readonly transport: Transport;
  private readonly trees: TreeStore;
  private readonly layout: GitOpsFile[];
  private readonly links: ReturnType<typeof webLinks>;
  private readonly maxAttempts: number;
  private readonly cache = {};
  // The clone is shared by every call, so they run one at a time.
  private queue: Promise<unknown> = Promise.resolve();
  private opened?: Promise<void>;
  private layoutEdits?: Promise<(readonly [string, Edit])[]>;

  constructor(options: GitOpsRepositoryOptions) {
    this.gitdir = path.resolve(options.workDir);
    this.branch = options.branch ?? 'main';
    this.maxAttempts = options.maxAttempts ?? 20;
    const remote = options.remote;
    let repoURL: string;
    if (/^https?:\/\//i.test(remote)) {
      const url = new URL(remote);
      const password = options.token ?? decodeURIComponent(url.password);
      const username =
        options.username ??
        (decodeURIComponent(url.username) || 'x-access-token');
      url.username = '';
      url.password = '';
      this.remoteId = url.toString();
      repoURL = this.remoteId;
      this.transport = new HttpTransport(
        this.remoteId,
        this.gitdir,
        this.branch,
        password ? { username, password } : undefined,
        this.cache,
      );
    } else if (path.isAbsolute(remote)) {
      this.remoteId = path.resolve(remote);
      repoURL = `file://${this.remoteId}`;
      this.transport = new LocalTransport(
        this.remoteId,
        this.gitdir,
        this.branch,
        this.cache,
      );
    } else {
      throw new Error(
        `The GitOps remote must be an absolute path or an http(s) URL, not ${remote}`,
      );
    }
    this.trees = {
      objects: this.transport.objects,
      gitdir: this.gitdir,
      cache: this.cache,
    };
    this.links = webLinks(remote, this.branch);
    this.layout = initialLayout(options.catalog, {
      repoURL: options.repoURL ?? repoURL,
      branch: this.branch,
    });
  }

  /**
   * Commits the changes on top of the branch and pushes them, laying out the
   * repository in the same commit when it lacks layout files (ones it has are
   * left as people edited them). Changes the repository has already make no
   * commit; the head is returned then. Throws InputError for a path outside
   * `tenants/{tenant}/`, ConflictError when other writers won every attempt.
   */
  async commit(
    changes: GitOpsChange[],
    message: string,
    author: GitOpsAuthor,
  ): Promise<{ sha: string; attempts: number }> {
    changes.forEach(change => assertClaimPath(change.path));
    return this.serialized(() =>
      this.commitWithRetries(changes, message, author),
    );
  }

  /** A file at the head of the branch, or undefined. */
  async readFile(filePath: string): Promise<string | undefined> {
    const problem = repoPathProblem(filePath);
    if (problem) {
      throw new InputError(
        `GitOps path ${JSON.stringify(filePath)} is not allowed: ${problem}`,
      );
    }
    return this.serialized(async () =>
      this.readAt(await this.transport.fetch(), filePath),
    );
  }

  /** A link to the file on the code host, for a GitHub, GitLab or Bitbucket remote. */
  fileUrl(filePath: string): string | undefined {
    return this.links?.file(filePath);
  }

  /** A link to the commit on the code host, for a GitHub, GitLab or Bitbucket remote. */
  commitUrl(sha: string): string | undefined {
    return this.links?.commit(sha);
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => this.open()).then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private open(): Promise<void> {
    this.opened ??= this.openClone().catch(error => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  /** A bare clone: objects and refs, no work tree (see the class comment). */
  private async openClone() {
    const dir = this.gitdir;
    if (fs.existsSync(path.join(dir, 'HEAD'))) {
      const url = await git.getConfig({
        fs,
        gitdir: dir,
        path: 'remote.origin.url',
      });
      if (url === this.remoteId) return;
      // A clone of another repository (the configuration changed): start over.
      await fs.promises.rm(dir, { recursive: true, force: true });
    } else if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
      throw new Error(
        `${dir} is neither empty nor a GitOps clone; give the GitOps repository a directory of its own`,
      );
    }
    await fs.promises.mkdir(dir, { recursive: true });
    await git.init({
      fs,
      dir,
      gitdir: dir,
      bare: true,
      defaultBranch: this.branch,
    });
    // isomorphic-git's fetch keeps remote-tracking refs by this remote's refspec.
    await git.addRemote({
      fs,
      gitdir: dir,
      remote: 'origin',
      url: this.remoteId,
    });
  }

  private async commitWithRetries(
    changes: GitOpsChange[],
    message: string,
    author: GitOpsAuthor,
  ): Promise<{ sha: string; attempts: number }> {
    // Blobs do not depend on the head: written once, reused by every attempt
    // (and the layout's by every commit).
    this.layoutEdits ??= Promise.all(
      this.layout.map(
        async file =>
          [
            file.path,
            { blob: await this.writeBlob(file.content), onlyIfMissing: true },
          ] as const,
      ),
    ).catch(error => {
      this.layoutEdits = undefined;
      throw error;
    });
    const edits = new Map<string, Edit>(await this.layoutEdits);
    for (const change of changes) {
      // The last change to a path wins, as if they had been applied in turn.
      edits.set(change.path, {
        blob:
          change.content === null ? null : await this.writeBlob(change.content),
      });
    }

    for (let attempt = 1; ; attempt++) {
      const head = await this.transport.fetch();
      const headTree = head
        ? (
            await git.readCommit({
              fs,
              gitdir: this.transport.objects,
              oid: head,
              cache: this.cache,
            })
          ).commit.tree
        : undefined;
      const laidOut: string[] = [];
      const tree =
        (await editTree(this.trees, headTree, edits, '', laidOut)) ??
        (await git.writeTree({ fs, gitdir: this.gitdir, tree: [] }));
      if (head && tree === headTree) return { sha: head, attempts: attempt };

      const sha = await git.commit({
        fs,
        gitdir: this.gitdir,
        message:
          laidOut.length > 0
            ? `${message}\n\nLays out the repository: ${laidOut.join(', ')}`
            : message,
        author,
        tree,
        parent: head ? [head] : [],
        noUpdateBranch: true,
        cache: this.cache,
      });
      await git.writeRef({
        fs,
        gitdir: this.gitdir,
        ref: `refs/heads/${this.branch}`,
        value: sha,
        force: true,
      });
      if (await this.transport.push(sha, head)) {
        return { sha, attempts: attempt };
      }
      if (attempt >= this.maxAttempts) {
        throw new ConflictError(
          `Could not push to the GitOps repository: other writers moved ${this.branch} first ${attempt} times`,
        );
      }
      // Full jitter, so writers that collided do not collide again in step.
      await sleep(
        Math.random() *
          Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)),
      );
    }
  }

  private writeBlob(content: string): Promise<string> {
    return git.writeBlob({
      fs,
      gitdir: this.gitdir,
      blob: Buffer.from(content, 'utf8'),
    });
  }

  /** A file as the given commit has it. */
  private async readAt(
    commit: string | undefined,
    filePath: string,
  ): Promise<string | undefined> {
    if (!commit) return undefined;
    try {
      const { blob } = await git.readBlob({
        fs,
        gitdir: this.transport.objects,
        oid: commit,
        filepath: filePath,
        cache: this.cache,
      });
      return Buffer.from(blob).toString('utf8');
    } catch (error) {
      // ObjectTypeError: a file where the path needs a folder, or the reverse.
      if (
        isNotFound(error) ||
        (error as { code?: string })?.code === Errors.ObjectTypeError.code
      ) {
        return undefined;
      }
      throw error;
    }
  }
}
