import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { mockServices } from '@backstage/backend-test-utils';
import { examplePops as POPS } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { CodeHostStandIn } from '../__testUtils__/codeHostStandIn';
import {
  gitHttpBackend,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import { codeHostFromConfig } from './codeHostFromConfig';
import { ensureLocalGitOpsRepository } from './ensureLocalGitOpsRepository';
import { GitOpsRepository } from './GitOpsRepository';
import type { PullRequestOpener } from './PullRequestOpener';
import { PullRequestModeWriter } from './PullRequestModeWriter';

jest.setTimeout(120_000);

const author = { name: 'DBaaS portal', email: 'dbaas-portal@example.com' };
const TOKEN = 'ghp_integration-token';

function write(tenant: string, name: string, generation = 1) {
  return {
    changes: [
      {
        path: `tenants/${tenant}/${name}.yaml`,
        content: `kind: ServiceClaim\nmetadata:\n  name: ${name}\n`,
      },
    ],
    message: `Create database ${name} of group:default/${tenant} (generation ${generation})\n\nService-Id: id-${name}`,
    topic: `dbaas/${tenant}/${name}/g${generation}`,
  };
}

// git's smart-http server comes with git; without git there is no remote to push to.
const describeWithGit = gitHttpBackend() ? describe : describe.skip;

describeWithGit(
  'PullRequestModeWriter, against git http-backend and a stand-in for the code host API',
  () => {
    let root: string;
    let server: Awaited<ReturnType<typeof startGitHttpServer>>;
    let standIn: CodeHostStandIn;
    const projects: Record<string, string> = {};

    beforeEach(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-gitops-pr-'));
      for (const project of ['acme/gitops', 'acme/infra/gitops']) {
        projects[project] = path.join(root, `${project}.git`);
        await ensureLocalGitOpsRepository(projects[project]);
      }
      standIn = new CodeHostStandIn({
        projects,
        token: TOKEN,
        webBaseUrl: () => server.baseUrl,
      });
      // Like GitHub Enterprise and self-managed GitLab, one host serves git and the API.
      server = await startGitHttpServer({
        root,
        token: TOKEN,
        api: standIn.handler,
      });
    });
    afterEach(async () => {
      await server.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    /** The code host as the portal finds it: through Backstage's integrations config. */
    function hostFor(kind: 'github' | 'gitlab', project: string) {
      const url = `${server.baseUrl}/${project}.git`;
      const integration =
        kind === 'github'
          ? {
              host: server.host,
              apiBaseUrl: `${server.baseUrl}/api/v3`,
              token: TOKEN,
            }
          : {
              host: server.host,
              apiBaseUrl: `${server.baseUrl}/api/v4`,
              baseUrl: server.baseUrl,
              token: TOKEN,
            };
      const codeHost = codeHostFromConfig(
        mockServices.rootConfig({
          data: { integrations: { [kind]: [integration] } },
        }),
        url,
      )!;
      return { url, codeHost };
    }

    function writerFor(
      kind: 'github' | 'gitlab',
      project: string,
      replica: string,
      logger = mockServices.logger.mock(),
    ) {
      const { url, codeHost } = hostFor(kind, project);
      const repository = new GitOpsRepository({
        remote: url,
        auth: codeHost.gitAuth,
        workDir: path.join(root, 'clones', replica),
        codeHost: codeHost.kind,
      });
      return {
        repository,
        logger,
        writer: new PullRequestModeWriter(
          repository,
          codeHost.pullRequests as PullRequestOpener,
          author,
          logger,
          async () => POPS,
        ),
      };
    }

    const branchesOf = async (gitdir: string) =>
      (await git.listBranches({ fs, gitdir })).sort();
    const filesAt = async (gitdir: string, ref: string) =>
      (await git.listFiles({ fs, gitdir, ref })).sort();

    it('proposes 20 concurrent changes from two replicas as 20 branches and 20 pull requests', async () => {
      const gitdir = projects['acme/gitops'];
      const replicas = [
        writerFor('github', 'acme/gitops', 'a'),
        writerFor('github', 'acme/gitops', 'b'),
      ];
      const writes = Array.from({ length: 20 }, (_, i) =>
        write(`tenant-${i % 3}`, `db-${i}`),
      );

      const results = await Promise.all(
        writes.map((w, i) => replicas[i % 2].writer.write(w)),
      );

      // main has the layout (an empty repository gets it directly) and no claim.
      const main = await git.resolveRef({ fs, gitdir, ref: 'main' });
      expect(await git.log({ fs, gitdir, ref: 'main' })).toHaveLength(1);
      expect(
        (await filesAt(gitdir, 'main')).filter(f =>
          /^tenants\/.+\/db-/.test(f),
        ),
      ).toEqual([]);

      const mainFiles = await filesAt(gitdir, 'main');
      const proposed = standIn.pullRequests;
      expect(proposed).toHaveLength(20);
      expect(new Set(results.map(r => r.pullRequestUrl))).toEqual(
        new Set(proposed.map(p => p.url)),
      );
      const branches = (await branchesOf(gitdir)).filter(b => b !== 'main');
      expect(branches).toHaveLength(20);
      expect(branches.sort()).toEqual(proposed.map(p => p.head).sort());
      for (const [i, w] of writes.entries()) {
        const result = results[i];
        const pull = proposed.find(p => p.url === result.pullRequestUrl)!;
        // Its own branch, named after the change, one commit on main with its
        // claim and, for a tenant new to main, the tenant's Argo CD project.
        expect(pull.head).toMatch(new RegExp(`^${w.topic}-[0-9a-f]{8}$`));
        expect(pull).toMatchObject({
          api: 'github',
          project: 'acme/gitops',
          base: 'main',
          headSha: result.sha,
          title: w.message.split('\n')[0],
        });
        expect(pull.body).toContain('Service-Id: id-');
        expect(pull.body).toContain('Merging this applies the change');
        const [commit] = await git.log({
          fs,
          gitdir,
          ref: pull.head,
          depth: 1,
        });
        expect(commit.oid).toBe(result.sha);
        expect(commit.commit.parent).toEqual([main]);
        const tenant = w.changes[0].path.split('/')[1];
        expect(await filesAt(gitdir, pull.head)).toEqual(
          [
            ...mainFiles,
            w.changes[0].path,
            `argocd/tenants/${tenant}.yaml`,
          ].sort(),
        );
        const { blob } = await git.readBlob({
          fs,
          gitdir,
          oid: result.sha,
          filepath: w.changes[0].path,
        });
        expect(Buffer.from(blob).toString()).toBe(w.changes[0].content);
        expect(result.commitUrl).toBe(
          `${server.baseUrl}/acme/gitops/commit/${result.sha}`,
        );
      }
      // Each request as GitHub's REST docs define it.
      for (const request of standIn.requests) {
        expect(request).toMatchObject({
          method: 'POST',
          rawPath: '/api/v3/repos/acme/gitops/pulls',
          headers: expect.objectContaining({
            authorization: `Bearer ${TOKEN}`,
            accept: 'application/vnd.github+json',
            'x-github-api-version': '2022-11-28',
            'content-type': 'application/json',
          }),
        });
      }
    });
    it('deletes the pushed branch and fails clearly when the pull request cannot be opened', async () => {
      const gitdir = projects['acme/gitops'];
      const { writer, logger } = writerFor('github', 'acme/gitops', 'a');
      await writer.write(write('payments', 'orders'));
      expect(standIn.pullRequests).toHaveLength(1);
      const before = await branchesOf(gitdir);
      standIn.failWith(403, {
        message: 'Resource not accessible by integration',
        documentation_url:
          'https://docs.github.com/rest/pulls/pulls#create-a-pull-request',
      });

      await expect(
        writer.write(write('payments', 'ledger')),
      ).rejects.toMatchObject({
        name: 'PullRequestError',
        hostName: 'GitHub',
        status: 403,
        message:
          'GitHub did not open the pull request: it answered 403, Resource not accessible by integration',
      });

      // The branch was pushed (the stand-in saw the request for it) and is gone again.
      const [, failed] = standIn.requests;
      expect((failed.body as { head: string }).head).toMatch(
        /^dbaas\/payments\/ledger\/g1-[0-9a-f]{8}$/,
      );
      expect(await branchesOf(gitdir)).toEqual(before);
      expect(standIn.pullRequests).toHaveLength(1);
      expect(logger.error).not.toHaveBeenCalled();
    });

    it('opens a GitLab merge request for a project in a subgroup, its path URL-encoded', async () => {
      const gitdir = projects['acme/infra/gitops'];
      const { writer } = writerFor('gitlab', 'acme/infra/gitops', 'a');

      const result = await writer.write(write('payments', 'orders'));

      expect(standIn.requests).toEqual([
        expect.objectContaining({
          method: 'POST',
          rawPath: '/api/v4/projects/acme%2Finfra%2Fgitops/merge_requests',
          headers: expect.objectContaining({
            authorization: `Bearer ${TOKEN}`,
            'content-type': 'application/json',
          }),
          body: expect.objectContaining({
            source_branch: expect.stringMatching(
              /^dbaas\/payments\/orders\/g1-[0-9a-f]{8}$/,
            ),
            target_branch: 'main',
            title:
              'Create database orders of group:default/payments (generation 1)',
            remove_source_branch: true,
          }),
        }),
      ]);
      const [request] = standIn.pullRequests;
      expect(result).toEqual({
        sha: request.headSha,
        commitUrl: `${server.baseUrl}/acme/infra/gitops/-/commit/${request.headSha}`,
        pullRequestUrl: `${server.baseUrl}/acme/infra/gitops/-/merge_requests/1`,
      });
      expect(await branchesOf(gitdir)).toEqual(['main', request.head].sort());
    });

    it('closes a superseded GitLab merge request with a note, and leaves a merged one', async () => {
      const { writer } = writerFor('gitlab', 'acme/infra/gitops', 'a');
      const first = await writer.write(write('payments', 'orders'));
      const second = await writer.write(write('payments', 'orders', 2));

      await writer.supersede(first.pullRequestUrl!, second.pullRequestUrl);

      const [older, newer] = standIn.pullRequests;
      expect(older.state).toBe('closed');
      expect(older.comments).toEqual([
        `Superseded by ${second.pullRequestUrl}, which proposes this database's claim as it is now. Closed by the DBaaS portal.`,
      ]);
      expect(standIn.requests.map(r => `${r.method} ${r.rawPath}`)).toEqual(
        expect.arrayContaining([
          'GET /api/v4/projects/acme%2Finfra%2Fgitops/merge_requests/1',
          'POST /api/v4/projects/acme%2Finfra%2Fgitops/merge_requests/1/notes',
          'PUT /api/v4/projects/acme%2Finfra%2Fgitops/merge_requests/1',
        ]),
      );
      newer.state = 'merged';
      await writer.supersede(second.pullRequestUrl!, undefined);
      expect(newer.state).toBe('merged');
      // A request of another project is not this writer's to close.
      await writer.supersede(
        `${server.baseUrl}/acme/other/-/merge_requests/1`,
        undefined,
      );
      expect(older.comments).toHaveLength(1);
    });

    it('proposes a layout update once, on a branch named after the layout', async () => {
      const gitdir = projects['acme/gitops'];
      // A repository laid out by an older portal, whose catalog had no Singapore.
      await new GitOpsRepository({
        remote: gitdir,
        workDir: path.join(root, 'clones', 'older'),
      }).updateLayout(
        author,
        POPS.filter(pop => pop.id !== 'singapore'),
      );
      const main = await git.resolveRef({ fs, gitdir, ref: 'main' });

      const first = writerFor('github', 'acme/gitops', 'a');
      await first.writer.write(write('payments', 'orders'));
      // A restart, or another replica: the same layout is proposed already.
      const second = writerFor('github', 'acme/gitops', 'b');
      await second.writer.write(write('payments', 'ledger'));

      expect(await git.resolveRef({ fs, gitdir, ref: 'main' })).toBe(main);
      const layout = standIn.pullRequests.filter(p =>
        p.head.startsWith('dbaas-layout/'),
      );
      expect(layout).toEqual([
        expect.objectContaining({
          head: `dbaas-layout/${first.repository.layoutDigest(POPS)}`,
          title: 'Update the GitOps layout the portal generates',
          body: expect.stringContaining(
            '- overlays/singapore/kustomization.yaml',
          ),
        }),
      ]);
      expect(standIn.pullRequests).toHaveLength(3);
      expect(second.logger.info).toHaveBeenCalledWith(
        `The GitOps layout update is proposed already, on branch dbaas-layout/${first.repository.layoutDigest(
          POPS,
        )}`,
      );
    });
  },
);
