import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import git, { Errors } from 'isomorphic-git';
import { ConflictError, InputError } from '@backstage/errors';
import { backoffDelay, sleep } from '@internal/backstage-plugin-dbaas-node';
import type { Pop } from '@internal/backstage-plugin-dbaas-common';
import { assertBranchName } from './assertBranchName';
import { BranchExistsError } from './BranchExistsError';
import { ClaimOwnershipError, claimServiceId } from './claimOwnership';
import { assertClaimPath, repoPathProblem } from './claimPath';
import {
  editTree,
  type Edit,
  type FileChange,
  type TreeStore,
} from './editTree';
import { gitopsLayout, tenantProject, type GitOpsFile } from './gitopsLayout';
import type { PlatformOptions } from './platformLayout';
import { HttpTransport } from './HttpTransport';
import { isNotFound } from './isNotFound';
import { LocalTransport } from './LocalTransport';
import type { GitAuth, Transport } from './Transport';
import { webLinks, type CodeHostKind } from './webLinks';

// Callers check a path by the rule commit() enforces, from the same module.
export { assertClaimPath };
export type { FileChange };

/**
 * A file to write (`content`) or delete (`content: null`), by repository path.
 * With `owner`, the change is refused (ClaimOwnershipError) when the file at
 * the head holds the claim of another database than that service id.
 */
export type GitOpsChange = {
  path: string;
  content: string | null;
  owner?: string;
};

/** Who a commit is by. */
export type GitOpsAuthor = { name: string; email: string };

/**
 * What a commit did. `committed` is false when the repository already was as
 * asked: `sha` is then the head the changes were found in.
 */
export type GitOpsCommit = {
  sha: string;
  committed: boolean;
  attempts: number;
  /** The files the commit changed. */
  changed: FileChange[];
  /** The commit's message, when it committed. */
  message?: string;
};

/** @see GitOpsRepository */
export type GitOpsRepositoryOptions = {
  /**
   * The repository: the absolute path of a bare repository on this machine (the
   * embedded default), or an http(s) URL.
   */
  remote: string;
  /**
   * For an http(s) remote: the credentials, sent as basic auth. Credentials
   * written into the URL are used when there are none here. Either way they
   * are sent only in requests, never written to the repository, the clone's
   * config or errors.
   */
  auth?: GitAuth;
  /**
   * Where this instance keeps its clone of the repository (a bare one). It must
   * be its own: replicas sharing one directory would step on each other's refs.
   */
  workDir: string;
  /** The branch Argo CD syncs; defaults to `main`. */
  branch?: string;
  /**
   * The address Argo CD clones the repository from, written into `argocd/`.
   * Defaults to the remote (without credentials), or `file://` and its path.
   */
  repoURL?: string;
  /** What of the platform the layout deploys too (`dbaas.gitops.platform`). */
  platform?: PlatformOptions;
  /** The web UI links are made for, when the host name does not say. */
  codeHost?: CodeHostKind;
  /** How often to try when other writers keep pushing first. Defaults to 20. */
  maxAttempts?: number;
};

const BACKOFF_BASE_MS = 20;
const BACKOFF_MAX_MS = 1000;

/**
 * The GitOps repository as the portal writes it: claims under `tenants/`,
 * committed and pushed from a clone of its own, never force-pushed. When another
 * writer (another replica, a person) pushes first, the same changes are applied
 * again on the new head and pushed again, so none is lost. A commit can instead
 * start a branch of its own off the head, to be proposed for review.
 *
 * Commits are built from the head's trees rather than in a checked-out work
 * tree: only the folders on a changed path are read and rewritten, so a commit
 * costs the same with ten claims or ten thousand, and the time between fetching
 * the head and pushing on it, in which another writer's push makes this one
 * start over, stays a few milliseconds. Nothing is written to the file system
 * by repository path, so a symbolic link in the repository leads nowhere.
 */
export class GitOpsRepository {
  /** The branch Argo CD syncs, which commits go on or proposals go into. */
  readonly branch: string;
  private readonly gitdir: string;
  private readonly remoteId: string;
  private readonly transport: Transport;
  private readonly trees: TreeStore;
  /** The address Argo CD clones from, as `argocd/` names it. */
  private readonly repoURL: string;
  private readonly platform?: PlatformOptions;
  private readonly links: ReturnType<typeof webLinks>;
  private readonly maxAttempts: number;
  private readonly cache = {};
  // The clone is shared by every call, so they run one at a time.
  private queue: Promise<unknown> = Promise.resolve();
  private opened?: Promise<void>;

  constructor(options: GitOpsRepositoryOptions) {
    this.gitdir = path.resolve(options.workDir);
    this.branch = options.branch ?? 'main';
    this.maxAttempts = options.maxAttempts ?? 20;
    const remote = options.remote;
    let repoURL: string;
    if (/^https?:\/\//i.test(remote)) {
      const url = new URL(remote);
      const inUrl = {
        username: decodeURIComponent(url.username) || 'x-access-token',
        password: decodeURIComponent(url.password),
      };
      url.username = '';
      url.password = '';
      this.remoteId = url.toString();
      repoURL = this.remoteId;
      this.transport = new HttpTransport(
        this.remoteId,
        this.gitdir,
        this.branch,
        options.auth ?? (inUrl.password ? async () => inUrl : undefined),
        this.cache,
      );
    } else if (path.isAbsolute(remote)) {
      this.remoteId = path.resolve(remote);
      repoURL = `file://${this.remoteId}`;
      this.transport = new LocalTransport(this.remoteId, this.gitdir);
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
    this.links = webLinks(remote, this.branch, options.codeHost);
    this.repoURL = options.repoURL ?? repoURL;
    this.platform = options.platform;
  }

  /**
   * Names the layout this version generates for these PoPs, for a proposal of
   * it: the same layout makes the same name, on any replica and after any
   * restart.
   */
  layoutDigest(pops: readonly Pop[]): string {
    const digest = createHash('sha256');
    for (const file of this.layoutFor(pops)) {
      digest.update(`${file.path}\0${file.generated}\0${file.content}\0`);
    }
    return digest.digest('hex').slice(0, 12);
  }

  private layoutFor(pops: readonly Pop[]): GitOpsFile[] {
    return gitopsLayout(pops, {
      repoURL: this.repoURL,
      branch: this.branch,
      platform: this.platform,
    });
  }

  /**
   * Commits the changes on top of the branch and pushes them. Changes the
   * repository has already make no commit. With `newBranch`, the commit starts
   * that branch off the head instead (a proposal), which must not exist yet.
   *
   * A commit that writes into a tenant's folder also writes the tenant's Argo
   * CD project (`argocd/tenants/{tenant}.yaml`) when it is missing or differs,
   * so a tenant's first claim never reaches Argo CD without the project that
   * confines it. A delete leaves the project: removing the tenant's
   * Applications needs it.
   *
   * Throws InputError for a path outside `tenants/{tenant}/` (or a tenant
   * folder that is not a tenant's slug), ConflictError
   * when other writers won every attempt, BranchExistsError when `newBranch`
   * exists, ClaimOwnershipError when a change's file belongs to another
   * database than its `owner` (checked on every head the changes are applied to).
   */
  async commit(
    changes: GitOpsChange[],
    message: string,
    author: GitOpsAuthor,
    options?: { newBranch?: string },
  ): Promise<GitOpsCommit> {
    changes.forEach(change => assertClaimPath(change.path));
    // Made for every change, so a folder no tenant can have is refused too.
    const projects = new Map(
      changes.map(change => {
        const tenant = change.path.split('/')[1];
        return [tenant, tenantProject(tenant, { repoURL: this.repoURL })];
      }),
    );
    const written = new Set(
      changes
        .filter(change => change.content !== null)
        .map(change => change.path.split('/')[1]),
    );
    if (options?.newBranch !== undefined) assertBranchName(options.newBranch);
    return this.serialized(async () => {
      const edits = new Map<string, Edit>();
      for (const change of changes) {
        // The last change to a path wins, as if they had been applied in turn.
        edits.set(change.path, {
          blob:
            change.content === null
              ? null
              : await this.writeBlob(change.content),
        });
      }
      // Only the project's own path is read: a commit that finds it as
      // generated changes nothing there.
      for (const tenant of written) {
        const project = projects.get(tenant)!;
        edits.set(project.path, {
          blob: await this.writeBlob(project.content),
        });
      }
      const owned = changes.filter(change => change.owner !== undefined);
      return this.commitEdits(
        edits,
        () => message,
        author,
        options?.newBranch,
        async head => {
          for (const { path: file, owner } of owned) {
            const existing = await this.readAt(head, file);
            const holder =
              existing === undefined ? undefined : claimServiceId(existing);
            if (existing !== undefined && holder !== owner) {
              throw new ClaimOwnershipError(file);
            }
          }
        },
      );
    });
  }

  /**
   * Brings the layout up to date in one commit (or, with `newBranch`, one
   * proposal): generated files that differ from this version's are rewritten,
   * seeded files that are missing are added, and the rest is left as people
   * made it. Every tenant's folder gets its Argo CD project, as a commit
   * writing into it would add it (a repository laid out by an older portal
   * has none). Makes no commit when there is nothing to do.
   */
  async updateLayout(
    author: GitOpsAuthor,
    pops: readonly Pop[],
    options?: { newBranch?: string },
  ): Promise<GitOpsCommit> {
    if (options?.newBranch !== undefined) assertBranchName(options.newBranch);
    const layout = this.layoutFor(pops);
    return this.serialized(async () => {
      const edits = new Map<string, Edit>();
      for (const file of layout) {
        edits.set(file.path, {
          blob: await this.writeBlob(file.content),
          onlyIfMissing: !file.generated,
        });
      }
      return this.commitEdits(
        edits,
        (changed, head) => layoutMessage(changed, head),
        author,
        options?.newBranch,
        undefined,
        head => this.tenantProjectEdits(head),
      );
    });
  }

  /** Deletes a branch (a proposal) if it is still at `sha`; false when it has moved or is gone. */
  async deleteBranch(branch: string, sha: string): Promise<boolean> {
    if (branch === this.branch) {
      throw new InputError(
        `Will not delete ${branch}, the branch Argo CD syncs`,
      );
    }
    return this.serialized(() => this.transport.delete(branch, sha));
  }

  /** The head of the branch, or undefined while there is none. */
  async head(): Promise<string | undefined> {
    return this.serialized(() => this.transport.fetch(this.branch));
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
      this.readAt(await this.transport.fetch(this.branch), filePath),
    );
  }

  /**
   * The files in the tenants' folders at the head of the branch
   * (`tenants/{tenant}/{file}`), each with its blob id: enough to tell which
   * differ from what they should hold without reading them.
   */
  async claimFiles(): Promise<Map<string, string>> {
    return this.serialized(async () => {
      const files = new Map<string, string>();
      const head = await this.transport.fetch(this.branch);
      if (!head) return files;
      for (const folder of await this.readTree(head, 'tenants')) {
        if (folder.type !== 'tree') continue;
        for (const file of await this.readTree(folder.oid)) {
          if (file.type === 'blob') {
            files.set(`tenants/${folder.path}/${file.path}`, file.oid);
          }
        }
      }
      return files;
    });
  }

  /** The blob id a file with this content has (as `claimFiles` lists them). */
  static async blobId(content: string): Promise<string> {
    return (await git.hashBlob({ object: content })).oid;
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

  private async commitEdits(
    edits: Map<string, Edit>,
    describe: (changed: FileChange[], head: string | undefined) => string,
    author: GitOpsAuthor,
    newBranch: string | undefined,
    /** Refuses the edits on this head by throwing. */
    check?: (head: string | undefined) => Promise<void>,
    /** Edits that depend on the head, made with the others. */
    editsAt?: (head: string | undefined) => Promise<Map<string, Edit>>,
  ): Promise<GitOpsCommit> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.transport.fetch(this.branch);
      await check?.(head);
      const all = editsAt
        ? new Map([...edits, ...(await editsAt(head))])
        : edits;
      if (newBranch !== undefined && !head) {
        throw new ConflictError(
          `The GitOps repository has no branch ${this.branch} to propose ${newBranch} to`,
        );
      }
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
      const changed: FileChange[] = [];
      const tree = await editTree(this.trees, headTree, all, '', changed);
      if (head && tree === headTree) {
        return { sha: head, committed: false, attempts: attempt, changed };
      }
      if (!head && !tree) {
        // No branch yet, and nothing to start one with (a delete).
        throw new ConflictError(
          `The GitOps repository has no branch ${this.branch} yet, and the change adds nothing to it`,
        );
      }

      const message = describe(changed, head);
      const sha = await git.commit({
        fs,
        gitdir: this.gitdir,
        message,
        author,
        // Git has no empty folders, but a commit may empty the repository.
        tree:
          tree ?? (await git.writeTree({ fs, gitdir: this.gitdir, tree: [] })),
        parent: head ? [head] : [],
        noUpdateBranch: true,
        cache: this.cache,
      });
      const target = newBranch ?? this.branch;
      if (
        await this.transport.push(
          target,
          sha,
          newBranch === undefined ? head : undefined,
        )
      ) {
        return { sha, committed: true, attempts: attempt, changed, message };
      }
      if (newBranch !== undefined) throw new BranchExistsError(newBranch);
      if (attempt >= this.maxAttempts) {
        throw new ConflictError(
          `Could not push to the GitOps repository: other writers moved ${this.branch} first ${attempt} times`,
        );
      }
      // Jittered, so writers that collided do not collide again in step.
      await sleep(
        backoffDelay(attempt, {
          initialMs: BACKOFF_BASE_MS,
          maxMs: BACKOFF_MAX_MS,
        }),
      );
    }
  }

  /** The entries of a tree (a commit's, with `filepath`: the folder there); none when it is missing. */
  private async readTree(oid: string, filepath?: string) {
    try {
      return (
        await git.readTree({
          fs,
          gitdir: this.transport.objects,
          oid,
          ...(filepath ? { filepath } : {}),
          cache: this.cache,
        })
      ).tree;
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  /** The project of every tenant's folder at the head, as the layout writes them. */
  private async tenantProjectEdits(
    head: string | undefined,
  ): Promise<Map<string, Edit>> {
    const edits = new Map<string, Edit>();
    if (!head) return edits;
    for (const folder of await this.readTree(head, 'tenants')) {
      if (folder.type !== 'tree') continue;
      let project: GitOpsFile;
      try {
        project = tenantProject(folder.path, { repoURL: this.repoURL });
      } catch {
        // A folder people made that no tenant can have: the ApplicationSet's
        // Application for it finds no project and syncs nothing.
        continue;
      }
      edits.set(project.path, { blob: await this.writeBlob(project.content) });
    }
    return edits;
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

/** The message of a layout commit: what it did to which files, and why. */
function layoutMessage(
  changed: FileChange[],
  head: string | undefined,
): string {
  const list = (change: FileChange['change']) =>
    changed.filter(c => c.change === change).map(c => `- ${c.path}`);
  const rewritten = list('rewritten');
  const added = list('added');
  if (!head) {
    return `Lay out the GitOps repository\n\n${added.join('\n')}`;
  }
  return [
    'Update the GitOps layout the portal generates',
    ...(rewritten.length > 0
      ? [
          '',
          'Rewritten, as they differed from what this version of the portal generates:',
          ...rewritten,
        ]
      : []),
    ...(added.length > 0 ? ['', 'Added, as they were missing:', ...added] : []),
  ].join('\n');
}
