import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import git from 'isomorphic-git';
import { examplePops as POPS } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  gitHttpBackend,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import { commitToBareRepository } from '../status/__testUtils__/commitToBareRepository';
import { BranchExistsError } from './BranchExistsError';
import { ensureLocalGitOpsRepository } from './ensureLocalGitOpsRepository';
import { GitOpsRepository } from './GitOpsRepository';
import { CRD_PATH, tenantProject } from './gitopsLayout';

jest.setTimeout(120_000);

const author = { name: 'DBaaS portal', email: 'dbaas-portal@example.com' };

function claim(tenant: string, name: string) {
  return {
    path: `tenants/${tenant}/${name}.yaml`,
    content: `kind: ServiceClaim\nmetadata:\n  name: ${name}\n`,
  };
}

/** The real git, when the machine has it: to check the repository with git's own eyes. */
function gitExecPath(): string | undefined {
  try {
    return execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

describe('GitOpsRepository', () => {
  let root: string;
  let bare: string;

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-gitops-'));
    bare = path.join(root, 'gitops.git');
    await ensureLocalGitOpsRepository(bare);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const replica = (name: string) =>
    new GitOpsRepository({
      remote: bare,
      workDir: path.join(root, name),
    });
  const filesAt = async (ref = 'main') =>
    (await git.listFiles({ fs, gitdir: bare, ref })).sort();
  const history = () => git.log({ fs, gitdir: bare, ref: 'main' });
  /** Every file at the head of main, by path. */
  const readAll = async (): Promise<Record<string, string>> => {
    const oid = await git.resolveRef({ fs, gitdir: bare, ref: 'main' });
    const all: Record<string, string> = {};
    for (const filepath of await filesAt(oid)) {
      const { blob } = await git.readBlob({ fs, gitdir: bare, oid, filepath });
      all[filepath] = Buffer.from(blob).toString('utf8');
    }
    return all;
  };
  const hasBranch = () =>
    git.resolveRef({ fs, gitdir: bare, ref: 'refs/heads/main' }).then(
      () => true,
      () => false,
    );

  it("commits a claim on top of the branch, starting the branch when there is none, with its tenant's project", async () => {
    const repo = replica('clone');
    const orders = claim('payments', 'orders');

    const result = await repo.commit([orders], 'Add orders', author);

    expect(result).toMatchObject({ committed: true, attempts: 1 });
    expect(result.changed).toEqual([
      { path: orders.path, change: 'added' },
      { path: 'argocd/tenants/payments.yaml', change: 'added' },
    ]);
    const commits = await history();
    expect(commits.map(c => c.oid)).toEqual([result.sha]);
    expect(commits[0].commit.message).toBe('Add orders\n');
    expect(commits[0].commit.author.name).toBe('DBaaS portal');
    expect(await filesAt()).toEqual([
      'argocd/tenants/payments.yaml',
      orders.path,
    ]);
    expect(await repo.readFile(orders.path)).toBe(orders.content);
    expect(await repo.readFile('argocd/tenants/payments.yaml')).toBe(
      tenantProject('payments', { repoURL: `file://${bare}` }).content,
    );
  });

  it("writes a tenant's project when it is missing or differs, and keeps it after the tenant's last database", async () => {
    const repo = replica('clone');
    await repo.commit([claim('payments', 'orders')], 'Add orders', author);
    const project = 'argocd/tenants/payments.yaml';
    const generated = await repo.readFile(project);

    // The tenant's next database: its project is there already.
    const ledger = await repo.commit(
      [claim('payments', 'ledger')],
      'Add ledger',
      author,
    );
    expect(ledger.changed).toEqual([
      { path: 'tenants/payments/ledger.yaml', change: 'added' },
    ]);
    // Another tenant gets its own.
    const invoices = await repo.commit(
      [claim('billing', 'invoices')],
      'Add invoices',
      author,
    );
    expect(invoices.changed.map(c => c.path)).toEqual([
      'tenants/billing/invoices.yaml',
      'argocd/tenants/billing.yaml',
    ]);
    expect(await repo.readFile('argocd/tenants/billing.yaml')).toContain(
      'namespace: tenant-billing\n',
    );

    // Edited by hand (widened to every tenant's namespace): put back with the
    // tenant's next change.
    const files = await readAll();
    await commitToBareRepository(
      bare,
      {
        ...files,
        [project]: generated!.replace(
          'namespace: tenant-payments',
          'namespace: tenant-*',
        ),
      },
      'Widen by hand',
    );
    const scaled = await repo.commit(
      [{ ...claim('payments', 'orders'), content: 'kind: ServiceClaim\n' }],
      'Scale orders',
      author,
    );
    expect(scaled.changed).toContainEqual({
      path: project,
      change: 'rewritten',
    });
    expect(await repo.readFile(project)).toBe(generated);

    // Deletes, down to the tenant's last database, leave the project.
    const gone = await repo.commit(
      ['orders', 'ledger'].map(name => ({
        path: `tenants/payments/${name}.yaml`,
        content: null,
      })),
      'Delete both',
      author,
    );
    expect(gone.changed.map(c => c.path)).toEqual([
      'tenants/payments/orders.yaml',
      'tenants/payments/ledger.yaml',
    ]);
    const left = await filesAt();
    expect(left).toContain(project);
    expect(left.filter(f => f.startsWith('tenants/payments/'))).toEqual([]);
  });

  it('lays out an empty repository in a commit of its own that lists the files', async () => {
    const repo = replica('clone');

    const result = await repo.updateLayout(author, POPS);

    expect(result.committed).toBe(true);
    const [commit] = await history();
    expect(commit.oid).toBe(result.sha);
    expect(commit.commit.message).toMatch(
      /^Lay out the GitOps repository\n\n(- \S+\n)+$/,
    );
    const files = await filesAt();
    expect(files).toEqual(
      expect.arrayContaining([
        'README.md',
        'base/kustomization.yaml',
        CRD_PATH,
        'argocd/applicationset.yaml',
        'tenants/README.md',
        ...POPS.map(r => `overlays/${r.id}/kustomization.yaml`),
      ]),
    );
    for (const file of files) expect(commit.commit.message).toContain(file);
    expect(await repo.readFile('argocd/applicationset.yaml')).toMatch(
      `repoURL: "file://${bare}"`,
    );
    // Already laid out: nothing more to commit.
    await expect(repo.updateLayout(author, POPS)).resolves.toMatchObject({
      committed: false,
      sha: result.sha,
    });
    expect(await history()).toHaveLength(1);
  });

  it('deletes a claim, and makes no commit for what the repository has already', async () => {
    const repo = replica('clone');
    await repo.updateLayout(author, POPS);
    const orders = claim('payments', 'orders');
    const ledger = claim('payments', 'ledger');
    await repo.commit([orders, ledger], 'Add two', author);
    const same = await repo.commit([orders], 'Same again', author);
    const head = same.sha;

    expect(same.committed).toBe(false);
    expect(await history()).toHaveLength(2);
    expect((await history())[0].oid).toBe(head);

    const { sha } = await repo.commit(
      [{ path: orders.path, content: null }],
      'Delete orders',
      author,
    );
    const after = await filesAt();
    expect(after).toContain(ledger.path);
    expect(after).not.toContain(orders.path);
    expect(await repo.readFile(orders.path)).toBeUndefined();
    expect((await history()).map(c => c.oid).slice(0, 2)).toEqual([sha, head]);

    // Deleting what is not there changes nothing either.
    await repo.commit(
      [{ path: orders.path, content: null }],
      'Delete again',
      author,
    );
    expect(await history()).toHaveLength(3);

    // The tenant's last database: its folder goes, and with it the tenant's
    // Applications, while tenants/ itself stays.
    await repo.commit(
      [{ path: ledger.path, content: null }],
      'Delete ledger',
      author,
    );
    const left = await filesAt();
    expect(left.filter(f => f.startsWith('tenants/'))).toEqual([
      'tenants/README.md',
    ]);
    expect(left).toContain('argocd/tenants/payments.yaml');
  });

  it('keeps its clone across restarts, and starts over for another repository', async () => {
    const workDir = path.join(root, 'clone');
    const at = (remote: string) => new GitOpsRepository({ remote, workDir });
    await at(bare).commit([claim('payments', 'orders')], 'Add', author);
    await at(bare).commit([claim('payments', 'ledger')], 'Add', author);
    expect(await history()).toHaveLength(2);

    const other = path.join(root, 'other.git');
    await ensureLocalGitOpsRepository(other);
    await at(other).commit([claim('billing', 'invoices')], 'Add', author);
    expect(await git.listFiles({ fs, gitdir: other, ref: 'main' })).toContain(
      'tenants/billing/invoices.yaml',
    );

    const foreign = path.join(root, 'foreign');
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, 'notes.txt'), 'keep me');
    await expect(
      new GitOpsRepository({
        remote: bare,
        workDir: foreign,
      }).commit([claim('payments', 'orders')], 'Add', author),
    ).rejects.toThrow(/is neither empty nor a GitOps clone/);
    expect(fs.readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).toBe(
      'keep me',
    );
  });

  it('rewrites the generated layout files that differ in one commit, and leaves people\u2019s files alone', async () => {
    // An older portal, whose catalog did not have Singapore yet.
    const older = new GitOpsRepository({
      remote: bare,
      workDir: path.join(root, 'older-portal'),
    });
    await older.updateLayout(
      author,
      POPS.filter(pop => pop.id !== 'singapore'),
    );
    await older.commit([claim('payments', 'orders')], 'Add orders', author);
    // Since then, with any git client: an older portal's CRD is in the
    // repository, and people edited, added and deleted files.
    const files = await readAll();
    const crd = files[CRD_PATH];
    // An older portal's repository had no tenant projects, and a shared one.
    const {
      'argocd/README.md': _deleted,
      'argocd/tenants/payments.yaml': payments,
      ...kept
    } = files;
    expect(payments).toBeDefined();
    await commitToBareRepository(
      bare,
      {
        ...kept,
        'argocd/project.yaml': '# the shared project\nkind: AppProject\n',
        'argocd/kustomization.yaml': 'resources: [project.yaml]\n',
        'tenants/Old Notes/readme.md': 'no tenant has this folder\n',
        [CRD_PATH]: crd.replace(/^ {16}storage:\n(?: {18}.*\n)+/m, ''),
        'overlays/lagos/kustomization.yaml':
          '# lagos, tuned\nresources: [../../base]\n',
        'README.md': '# Our GitOps repository\n',
        'argocd/applicationset.yaml':
          '# edited by hand\nkind: ApplicationSet\n',
        'base/extra.yaml': 'kind: ConfigMap\n',
        'tenants/payments/notes.md': 'people write here too\n',
      },
      'Edits by hand',
    );
    expect(files[CRD_PATH]).not.toBe((await readAll())[CRD_PATH]);
    const before = await readAll();

    // A newer portal, whose catalog has a new PoP, starts.
    const newer = replica('newer-portal');
    const result = await newer.updateLayout(author, POPS);

    expect(result.committed).toBe(true);
    const commits = await history();
    expect(commits[0].oid).toBe(result.sha);
    expect(commits[0].commit.message).toBe(
      [
        'Update the GitOps layout the portal generates',
        '',
        'Rewritten, as they differed from what this version of the portal generates:',
        `- ${CRD_PATH}`,
        // The ApplicationSets select every PoP cluster, whatever the PoPs:
        // the test edits applicationset.yaml, not platform-applicationset.yaml.
        '- argocd/applicationset.yaml',
        '',
        'Added, as they were missing:',
        '- overlays/singapore/kustomization.yaml',
        '- argocd/README.md',
        '- argocd/tenants/payments.yaml',
        '',
      ].join('\n'),
    );
    const after = await readAll();
    // The tenant's project, as its next claim would have written it; none for
    // a folder no tenant can have.
    expect(
      Object.keys(after).filter(f => f.startsWith('argocd/tenants/')),
    ).toEqual(['argocd/tenants/payments.yaml']);
    expect(after['argocd/tenants/payments.yaml']).toBe(payments);
    expect(after[CRD_PATH]).toBe(crd);
    expect(after['argocd/applicationset.yaml']).toContain('operator: Exists');
    expect(after['argocd/applicationset.yaml']).toMatch(
      /^# Generated by the DBaaS portal/,
    );
    expect(after['overlays/singapore/kustomization.yaml']).toContain(
      'Singapore (Singapore)',
    );
    expect(after['argocd/README.md']).toMatch(/^# Argo CD/);
    // People's files, and everything under tenants/, as they were.
    for (const file of [
      'overlays/lagos/kustomization.yaml',
      'README.md',
      'base/extra.yaml',
      'base/kustomization.yaml',
      'argocd/project.yaml',
      'argocd/kustomization.yaml',
      'tenants/README.md',
      'tenants/payments/notes.md',
      'tenants/payments/orders.yaml',
    ]) {
      expect({ file, content: after[file] }).toEqual({
        file,
        content: before[file],
      });
    }

    // Once: another replica of the newer portal finds nothing to do.
    const again = await replica('newer-portal-2').updateLayout(author, POPS);
    expect(again).toMatchObject({ committed: false, sha: result.sha });
    expect(await history()).toHaveLength(commits.length);
  });

  it('starts a branch of its own for a proposal, leaving the branch Argo CD syncs alone', async () => {
    const repo = replica('clone');
    await repo.updateLayout(author, POPS);
    const base = await git.resolveRef({ fs, gitdir: bare, ref: 'main' });
    const orders = claim('payments', 'orders');
    const branch = 'dbaas/payments/orders/g1-0a1b2c3d';

    const proposed = await repo.commit([orders], 'Add orders', author, {
      newBranch: branch,
    });

    expect(proposed.committed).toBe(true);
    expect(await git.resolveRef({ fs, gitdir: bare, ref: 'main' })).toBe(base);
    const [commit] = await git.log({ fs, gitdir: bare, ref: branch, depth: 1 });
    expect(commit.oid).toBe(proposed.sha);
    expect(commit.commit.parent).toEqual([base]);
    expect(await filesAt(branch)).toContain(orders.path);
    expect(await repo.readFile(orders.path)).toBeUndefined();

    // A branch is proposed once: it is never moved.
    await expect(
      repo.commit([claim('payments', 'ledger')], 'Add ledger', author, {
        newBranch: branch,
      }),
    ).rejects.toBeInstanceOf(BranchExistsError);
    expect(await git.resolveRef({ fs, gitdir: bare, ref: branch })).toBe(
      proposed.sha,
    );

    // Deleted only where it was left.
    await expect(repo.deleteBranch(branch, base)).resolves.toBe(false);
    await expect(repo.deleteBranch(branch, proposed.sha)).resolves.toBe(true);
    await expect(
      git.resolveRef({ fs, gitdir: bare, ref: branch }),
    ).rejects.toThrow();
    await expect(repo.deleteBranch(branch, proposed.sha)).resolves.toBe(false);
    await expect(repo.deleteBranch('main', base)).rejects.toThrow(
      'Will not delete main, the branch Argo CD syncs',
    );
    expect(fs.readdirSync(path.join(bare, 'refs', 'heads'))).toEqual(['main']);
  });

  it.each([
    ['../../config'],
    ['dbaas/../../HEAD'],
    ['/dbaas/orders'],
    ['dbaas//orders'],
    ['dbaas/.hidden'],
    ['dbaas/orders.lock'],
    ['dbaas/orders g1'],
    [''],
  ])(
    'refuses to propose on branch %j, before touching the repository',
    async branch => {
      const repo = replica('clone');
      await repo.updateLayout(author, POPS);
      const config = fs.readFileSync(path.join(bare, 'config'), 'utf8');

      await expect(
        repo.commit([claim('payments', 'orders')], 'Add orders', author, {
          newBranch: branch,
        }),
      ).rejects.toMatchObject({
        name: 'InputError',
        message: `${JSON.stringify(branch)} is not a branch name git allows`,
      });
      expect(fs.readdirSync(path.join(bare, 'refs', 'heads'))).toEqual([
        'main',
      ]);
      expect(fs.readFileSync(path.join(bare, 'config'), 'utf8')).toBe(config);
    },
  );

  it('proposes nothing into a repository without the branch', async () => {
    const repo = replica('clone');

    await expect(
      repo.commit([claim('payments', 'orders')], 'Add orders', author, {
        newBranch: 'dbaas/payments/orders/g1-0a1b2c3d',
      }),
    ).rejects.toThrow(
      'The GitOps repository has no branch main to propose dbaas/payments/orders/g1-0a1b2c3d to',
    );
    expect(fs.readdirSync(path.join(bare, 'refs', 'heads'))).toEqual([]);
  });

  it.each([
    ['../outside.yaml'],
    ['/etc/passwd'],
    ['tenants/../base/kustomization.yaml'],
    ['tenants/./payments/orders.yaml'],
    ['tenants//orders.yaml'],
    ['tenants\\payments\\orders.yaml'],
    ['C:/tenants/payments/orders.yaml'],
    ['base/kustomization.yaml'],
    ['argocd/applicationset.yaml'],
    ['argocd/tenants/payments.yaml'],
    ['tenants/orders.yaml'],
    ['tenants/Payments/orders.yaml'],
    ['tenants/tenant-*/orders.yaml'],
    ['tenants/payments/.git/config'],
    [''],
  ])('refuses to write %j, before touching the repository', async p => {
    const repo = replica('clone');
    await expect(
      repo.commit([{ path: p, content: 'x' }], 'Escape', author),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/^GitOps path .* is not allowed: /),
    });
    await expect(
      repo.commit(
        [claim('payments', 'orders'), { path: p, content: null }],
        'Escape among others',
        author,
      ),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(await hasBranch()).toBe(false);
  });

  it('will not write through a symbolic link committed to the repository', async () => {
    const repo = replica('clone');
    await repo.updateLayout(author, POPS);
    await repo.commit([claim('payments', 'orders')], 'Add orders', author);
    // tenants/evil -> ../argocd: a write to tenants/evil/x would land in argocd/.
    const head = await git.resolveRef({ fs, gitdir: bare, ref: 'main' });
    const { tree } = await git.readTree({ fs, gitdir: bare, oid: head });
    const tenants = tree.find(e => e.path === 'tenants')!;
    const { tree: tenantTree } = await git.readTree({
      fs,
      gitdir: bare,
      oid: tenants.oid,
    });
    const link = await git.writeBlob({
      fs,
      gitdir: bare,
      blob: Buffer.from('../argocd'),
    });
    const withLink = await git.writeTree({
      fs,
      gitdir: bare,
      tree: [
        ...tenantTree,
        { mode: '120000', path: 'evil', oid: link, type: 'blob' },
      ],
    });
    await git.commit({
      fs,
      gitdir: bare,
      ref: 'refs/heads/main',
      parent: [head],
      message: 'A link',
      author,
      tree: await git.writeTree({
        fs,
        gitdir: bare,
        tree: tree.map(e => (e === tenants ? { ...e, oid: withLink } : e)),
      }),
    });
    const before = await repo.readFile('argocd/applicationset.yaml');

    await expect(
      repo.commit(
        [{ path: 'tenants/evil/applicationset.yaml', content: 'kind: Pod\n' }],
        'Through the link',
        author,
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'goes through tenants/evil, which is a symbolic link',
      ),
    });
    expect(await repo.readFile('argocd/applicationset.yaml')).toBe(before);
  });

  it('lands 100 concurrent commits from two replicas, each exactly once', async () => {
    const replicas = [replica('replica-a'), replica('replica-b')];
    const claims = Array.from({ length: 100 }, (_, i) =>
      claim(`tenant-${i % 7}`, `db-${i}`),
    );

    const started = performance.now();
    const results = await Promise.all(
      claims.map((c, i) =>
        replicas[i % 2].commit([c], `Add ${c.path}`, author),
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const retries = results.reduce((sum, r) => sum + r.attempts - 1, 0);
    // Figures to report, not a target (targets live in benchmarks).
    // eslint-disable-next-line no-console
    console.log(
      `100 concurrent commits from 2 replicas: ${seconds.toFixed(
        1,
      )} s, ${retries} retries, at most ${Math.max(
        ...results.map(r => r.attempts),
      )} attempts for one commit`,
    );

    const head = await filesAt();
    for (const c of claims) expect(head).toContain(c.path);
    const commits = await history();
    expect(commits).toHaveLength(100);
    expect(new Set(results.map(r => r.sha))).toEqual(
      new Set(commits.map(c => c.oid)),
    );
    // Walk the history: each commit adds its one claim and keeps all earlier ones.
    const claimsAt = async (oid: string) =>
      (await filesAt(oid)).filter(f => /^tenants\/[^/]+\/db-/.test(f));
    const added: string[] = [];
    for (const { oid, commit } of commits) {
      const now = await claimsAt(oid);
      const before = commit.parent[0] ? await claimsAt(commit.parent[0]) : [];
      expect(before.every(f => now.includes(f))).toBe(true);
      const mine = now.filter(f => !before.includes(f));
      expect(mine).toHaveLength(1);
      expect(commit.message).toMatch(`Add ${mine[0]}`);
      added.push(mine[0]);
    }
    expect(added.sort()).toEqual(claims.map(c => c.path).sort());
    expect(fs.existsSync(path.join(bare, 'refs', 'heads', 'main.lock'))).toBe(
      false,
    );
    if (gitExecPath()) {
      // git itself finds every object of the history, written by hand here.
      execFileSync('git', ['--git-dir', bare, 'fsck', '--strict'], {
        stdio: 'pipe',
      });
    }
  });

  it('links to files and commits on GitHub and GitLab, and nowhere else unless told', () => {
    const on = (remote: string) =>
      new GitOpsRepository({
        remote,
        workDir: path.join(root, 'unused'),
      });
    const github = on('https://github.com/acme/dbaas-gitops.git');
    expect(github.fileUrl('tenants/payments/orders.yaml')).toBe(
      'https://github.com/acme/dbaas-gitops/blob/main/tenants/payments/orders.yaml',
    );
    expect(github.commitUrl('0123abc')).toBe(
      'https://github.com/acme/dbaas-gitops/commit/0123abc',
    );
    const gitlab = on('https://oauth2:secret@gitlab.com/acme/infra/gitops');
    expect(gitlab.fileUrl('tenants/payments/orders.yaml')).toBe(
      'https://gitlab.com/acme/infra/gitops/-/blob/main/tenants/payments/orders.yaml',
    );
    expect(gitlab.commitUrl('0123abc')).toBe(
      'https://gitlab.com/acme/infra/gitops/-/commit/0123abc',
    );
    expect(on('https://git.internal/acme/gitops.git').fileUrl('x')).toBe(
      undefined,
    );
    expect(on(bare).commitUrl('0123abc')).toBeUndefined();
    // A host whose name does not say, with a GitLab integration configured for it.
    expect(
      new GitOpsRepository({
        remote: 'https://git.internal/acme/gitops.git',
        workDir: path.join(root, 'unused'),
        codeHost: 'gitlab',
      }).commitUrl('0123abc'),
    ).toBe('https://git.internal/acme/gitops/-/commit/0123abc');
  });

  // git's smart-http server comes with git; without git there is nothing to talk to.
  const describeWithGit = gitHttpBackend() ? describe : describe.skip;

  describeWithGit('over http, against git http-backend', () => {
    const token = 'glpat-test-token';
    let server: Awaited<ReturnType<typeof startGitHttpServer>>;
    let url: string;

    beforeEach(async () => {
      server = await startGitHttpServer({ root, token });
      url = `${server.baseUrl}/gitops.git`;
    });
    afterEach(() => server.close());

    const overHttp = (name: string, secret = token) =>
      new GitOpsRepository({
        remote: url,
        auth: async () => ({ username: 'oauth2', password: secret }),
        workDir: path.join(root, name),
      });

    it('lands concurrent commits from two replicas with a token, and the layout among them', async () => {
      const replicas = [
        overHttp('http-a'),
        // The other way to give credentials: in the URL.
        new GitOpsRepository({
          remote: url.replace('http://', `http://oauth2:${token}@`),
          workDir: path.join(root, 'http-b'),
        }),
      ];
      const claims = Array.from({ length: 20 }, (_, i) =>
        claim(`tenant-${i % 3}`, `db-${i}`),
      );

      const [layout, ...results] = await Promise.all([
        replicas[1].updateLayout(author, POPS),
        ...claims.map((c, i) =>
          replicas[i % 2].commit([c], `Add ${c.path}`, author),
        ),
      ]);

      const head = await filesAt();
      for (const c of claims) expect(head).toContain(c.path);
      expect(head).toContain(CRD_PATH);
      expect(new Set([layout, ...results].map(r => r.sha))).toEqual(
        new Set((await history()).map(c => c.oid)),
      );
      expect(await replicas[1].readFile(claims[0].path)).toBe(
        claims[0].content,
      );
      expect(
        await replicas[0].readFile('argocd/platform-project.yaml'),
      ).toContain(`- "${url}"`);
      expect(
        await replicas[0].readFile('argocd/tenants/tenant-0.yaml'),
      ).toContain(`- "${url}"`);
      execFileSync('git', ['--git-dir', bare, 'fsck', '--strict'], {
        stdio: 'pipe',
      });
      // The token is sent, never kept: not in the repository, not in the clones' config.
      const oid = await git.resolveRef({ fs, gitdir: bare, ref: 'main' });
      for (const file of head) {
        const { blob } = await git.readBlob({
          fs,
          gitdir: bare,
          oid,
          filepath: file,
        });
        expect(Buffer.from(blob).toString()).not.toContain(token);
      }
      for (const clone of ['http-a', 'http-b']) {
        expect(
          fs.readFileSync(path.join(root, clone, 'config'), 'utf8'),
        ).not.toContain(token);
      }
    });

    it('pushes a proposal branch and deletes it again, leaving no refs behind in the clone', async () => {
      const repo = overHttp('http-a');
      await repo.updateLayout(author, POPS);
      const branch = 'dbaas/payments/orders/g1-0a1b2c3d';

      const proposed = await repo.commit(
        [claim('payments', 'orders')],
        'Add orders',
        author,
        { newBranch: branch },
      );
      expect(await git.resolveRef({ fs, gitdir: bare, ref: branch })).toBe(
        proposed.sha,
      );
      await expect(
        repo.commit([claim('payments', 'ledger')], 'Add ledger', author, {
          newBranch: branch,
        }),
      ).rejects.toBeInstanceOf(BranchExistsError);

      await expect(repo.deleteBranch(branch, 'f'.repeat(40))).resolves.toBe(
        false,
      );
      await expect(repo.deleteBranch(branch, proposed.sha)).resolves.toBe(true);
      await expect(
        git.resolveRef({ fs, gitdir: bare, ref: branch }),
      ).rejects.toThrow();
      const clone = path.join(root, 'http-a');
      expect(
        (await git.listBranches({ fs, gitdir: clone })).filter(
          b => b !== 'main',
        ),
      ).toEqual([]);
      expect(
        (
          await git.listBranches({ fs, gitdir: clone, remote: 'origin' })
        ).filter(b => b !== 'main'),
      ).toEqual([]);
    });

    it('fails plainly with a wrong token', async () => {
      await expect(
        overHttp('http-bad', 'wrong').commit(
          [claim('payments', 'orders')],
          'Add orders',
          author,
        ),
      ).rejects.toMatchObject({ code: 'HttpError' });
      expect(await hasBranch()).toBe(false);
    });
  });
});
