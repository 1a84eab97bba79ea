import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import git from 'isomorphic-git';
import { serviceCatalog } from '@internal/backstage-plugin-dbaas-common';
import { ensureLocalGitOpsRepository } from './ensureLocalGitOpsRepository';
import { GitOpsRepository } from './GitOpsRepository';
import { CRD_PATH } from './gitopsLayout';

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
      catalog: serviceCatalog,
    });
  const filesAt = async (ref = 'main') =>
    (await git.listFiles({ fs, gitdir: bare, ref })).sort();
  const history = () => git.log({ fs, gitdir: bare, ref: 'main' });
  const hasBranch = () =>
    git.resolveRef({ fs, gitdir: bare, ref: 'refs/heads/main' }).then(
      () => true,
      () => false,
    );

  it('lays out an empty repository in the commit that adds the first claim', async () => {
    const repo = replica('clone');
    const orders = claim('payments', 'orders');

    const { sha, attempts } = await repo.commit([orders], 'Add orders', author);

    expect(attempts).toBe(1);
    const commits = await history();
    expect(commits.map(c => c.oid)).toEqual([sha]);
    expect(commits[0].commit.message).toMatch(/^Add orders\n\nLays out/);
    expect(commits[0].commit.author.name).toBe('DBaaS portal');
    expect(await filesAt()).toEqual(
      expect.arrayContaining([
        'README.md',
        'base/kustomization.yaml',
        CRD_PATH,
        'argocd/applicationset.yaml',
        'tenants/README.md',
        orders.path,
        ...serviceCatalog.regions.map(
          r => `overlays/${r.id}/kustomization.yaml`,
        ),
      ]),
    );
    expect(await repo.readFile(orders.path)).toBe(orders.content);
    expect(await repo.readFile('argocd/applicationset.yaml')).toMatch(
      `repoURL: "file://${bare}"`,
    );
  });

  it('deletes a claim, and makes no commit for what the repository has already', async () => {
    const repo = replica('clone');
    const orders = claim('payments', 'orders');
    const ledger = claim('payments', 'ledger');
    await repo.commit([orders, ledger], 'Add two', author);
    const { sha: head } = await repo.commit([orders], 'Same again', author);

    expect(await history()).toHaveLength(1);
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
    expect((await history()).map(c => c.oid)).toEqual([sha, head]);

    // Deleting what is not there changes nothing either.
    await repo.commit(
      [{ path: orders.path, content: null }],
      'Delete again',
      author,
    );
    expect(await history()).toHaveLength(2);

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
  });

  it('keeps its clone across restarts, and starts over for another repository', async () => {
    const workDir = path.join(root, 'clone');
    const at = (remote: string) =>
      new GitOpsRepository({ remote, workDir, catalog: serviceCatalog });
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
        catalog: serviceCatalog,
      }).commit([claim('payments', 'orders')], 'Add', author),
    ).rejects.toThrow(/is neither empty nor a GitOps clone/);
    expect(fs.readFileSync(path.join(foreign, 'notes.txt'), 'utf8')).toBe(
      'keep me',
    );
  });

  it('keeps the layout files people have edited, and restores ones they deleted', async () => {
    const repo = replica('clone');
    await repo.commit([claim('payments', 'orders')], 'Add orders', author);
    // Someone edits an overlay and deletes the README, with any git client.
    const other = replica('person');
    await other.commit([claim('payments', 'ledger')], 'Add ledger', author);
    const head = await git.resolveRef({ fs, gitdir: bare, ref: 'main' });
    const edited = await git.writeBlob({
      fs,
      gitdir: bare,
      blob: Buffer.from('# lagos, tuned\nresources: [../../base]\n'),
    });
    const { tree } = await git.readTree({ fs, gitdir: bare, oid: head });
    const overlays = tree.find(e => e.path === 'overlays')!;
    const { tree: pops } = await git.readTree({
      fs,
      gitdir: bare,
      oid: overlays.oid,
    });
    const lagos = pops.find(e => e.path === 'lagos')!;
    const lagosTree = await git.writeTree({
      fs,
      gitdir: bare,
      tree: [
        {
          mode: '100644',
          path: 'kustomization.yaml',
          oid: edited,
          type: 'blob',
        },
      ],
    });
    const overlaysTree = await git.writeTree({
      fs,
      gitdir: bare,
      tree: pops.map(e => (e === lagos ? { ...e, oid: lagosTree } : e)),
    });
    await git.commit({
      fs,
      gitdir: bare,
      ref: 'refs/heads/main',
      parent: [head],
      message: 'Tune lagos, drop README',
      author: { name: 'Ada', email: 'ada@example.com' },
      tree: await git.writeTree({
        fs,
        gitdir: bare,
        tree: tree
          .filter(e => e.path !== 'README.md')
          .map(e => (e === overlays ? { ...e, oid: overlaysTree } : e)),
      }),
    });

    await repo.commit([claim('payments', 'cache')], 'Add cache', author);

    expect(await repo.readFile('overlays/lagos/kustomization.yaml')).toBe(
      '# lagos, tuned\nresources: [../../base]\n',
    );
    expect(await repo.readFile('README.md')).toMatch(/^# DBaaS GitOps/);
    expect((await history()).map(c => c.commit.message.split('\n')[0])).toEqual(
      ['Add cache', 'Tune lagos, drop README', 'Add ledger', 'Add orders'],
    );
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
    ['tenants/orders.yaml'],
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

  it('links to files and commits on GitHub and GitLab, and nowhere else', () => {
    const on = (remote: string) =>
      new GitOpsRepository({
        remote,
        workDir: path.join(root, 'unused'),
        catalog: serviceCatalog,
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
  });

  const execPath = gitExecPath();
  const backend = execPath && path.join(execPath, 'git-http-backend');
  // git's smart-http server comes with git; without git there is nothing to talk to.
  const describeWithGit =
    backend && fs.existsSync(backend) ? describe : describe.skip;

  describeWithGit('over http, against git http-backend', () => {
    const token = 'glpat-test-token';
    let server: http.Server;
    let url: string;

    beforeEach(async () => {
      // A CGI host for git's own smart-http server that wants the token as the
      // basic-auth password, as GitHub and GitLab do.
      server = http.createServer((req, res) => {
        const [user, password] = Buffer.from(
          (req.headers.authorization ?? '').replace(/^Basic /, ''),
          'base64',
        )
          .toString()
          .split(':');
        if (password !== token) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
          res.end();
          return;
        }
        const requestUrl = new URL(req.url!, 'http://localhost');
        const cgi = spawn(backend!, [], {
          env: {
            PATH: process.env.PATH,
            GIT_PROJECT_ROOT: root,
            GIT_HTTP_EXPORT_ALL: '1',
            REMOTE_USER: user,
            REQUEST_METHOD: req.method,
            PATH_INFO: requestUrl.pathname,
            QUERY_STRING: requestUrl.search.slice(1),
            CONTENT_TYPE: req.headers['content-type'] ?? '',
            ...(req.headers['content-length']
              ? { CONTENT_LENGTH: req.headers['content-length'] }
              : {}),
          },
        });
        req.pipe(cgi.stdin);
        let head = Buffer.alloc(0);
        let inBody = false;
        cgi.stdout.on('data', (chunk: Buffer) => {
          if (inBody) {
            res.write(chunk);
            return;
          }
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          inBody = true;
          const headers: Record<string, string> = {};
          let status = 200;
          for (const line of head.subarray(0, end).toString().split('\r\n')) {
            const colon = line.indexOf(':');
            const name = line.slice(0, colon).trim();
            const value = line.slice(colon + 1).trim();
            if (name.toLowerCase() === 'status') status = parseInt(value, 10);
            else headers[name] = value;
          }
          res.writeHead(status, headers);
          res.write(head.subarray(end + 4));
        });
        cgi.stdout.on('end', () => res.end());
      });
      await new Promise<void>(resolve =>
        server.listen(0, '127.0.0.1', resolve),
      );
      url = `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }/gitops.git`;
    });
    afterEach(
      () => new Promise<void>(resolve => server.close(() => resolve())),
    );

    const overHttp = (name: string, secret = token) =>
      new GitOpsRepository({
        remote: url,
        token: secret,
        username: 'oauth2',
        workDir: path.join(root, name),
        catalog: serviceCatalog,
      });

    it('lands concurrent commits from two replicas with a token', async () => {
      const replicas = [
        overHttp('http-a'),
        // The other way to give credentials: in the URL.
        new GitOpsRepository({
          remote: url.replace('http://', `http://oauth2:${token}@`),
          workDir: path.join(root, 'http-b'),
          catalog: serviceCatalog,
        }),
      ];
      const claims = Array.from({ length: 20 }, (_, i) =>
        claim(`tenant-${i % 3}`, `db-${i}`),
      );

      const results = await Promise.all(
        claims.map((c, i) =>
          replicas[i % 2].commit([c], `Add ${c.path}`, author),
        ),
      );

      const head = await filesAt();
      for (const c of claims) expect(head).toContain(c.path);
      expect(head).toContain(CRD_PATH);
      expect(new Set(results.map(r => r.sha))).toEqual(
        new Set((await history()).map(c => c.oid)),
      );
      expect(await replicas[1].readFile(claims[0].path)).toBe(
        claims[0].content,
      );
      expect(await replicas[0].readFile('argocd/project.yaml')).toContain(
        `- "${url}"`,
      );
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
