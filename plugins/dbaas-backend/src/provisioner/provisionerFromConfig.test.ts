import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import {
  examplePops,
  exampleSkuCatalog as skuCatalog,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { eventually, withTestPostgres } from '@internal/test-services';
import { CodeHostStandIn } from '../__testUtils__/codeHostStandIn';
import {
  gitHttpBackend,
  startGitHttpServer,
} from '../__testUtils__/gitHttpServer';
import { DatabaseServiceStore } from '../database/DatabaseServiceStore';
import { GitOpsOutboxStore } from '../database/GitOpsOutboxStore';
import { TimelineStore } from '../database/TimelineStore';
import { ensureLocalGitOpsRepository } from '../gitops/ensureLocalGitOpsRepository';
import { provisionerFromConfig } from './provisionerFromConfig';
import type { HandOver, ServiceProvisioner } from './ServiceProvisioner';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const TOKEN = 'ghp_integration-token';
const TENANT = 'group:default/payments';
const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');

/** Creates a database the way the lifecycle does: recorded, handed over, then waited for. */
async function createThrough(
  store: DatabaseServiceStore,
  provisioner: ServiceProvisioner,
  name: string,
) {
  let handOver: HandOver;
  const { id } = await store.createService(
    {
      tenant: TENANT,
      organization: 'group:default/acme',
      name,
      spec,
      createdBy: 'user:default/ada',
    },
    async (tx, record) => {
      handOver = await provisioner.apply(record, tx);
    },
  );
  await provisioner.handedOver(handOver);
  return (await store.getService(id))!;
}

// git's smart-http server comes with git; without git there is no remote to push to.
const describeWithGit = gitHttpBackend() ? describe : describe.skip;

describeWithGit('provisionerFromConfig', () => {
  let root: string;
  let gitdir: string;
  let server: Awaited<ReturnType<typeof startGitHttpServer>>;
  let standIn: CodeHostStandIn;

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-provisioner-'));
    gitdir = path.join(root, 'acme', 'gitops.git');
    await ensureLocalGitOpsRepository(gitdir);
    standIn = new CodeHostStandIn({
      projects: { 'acme/gitops': gitdir },
      token: TOKEN,
      webBaseUrl: () => server.baseUrl,
    });
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

  /** The backend's config: a GitHub (Enterprise) integration for the stand-in's host. */
  const configWith = (remote: Record<string, unknown>) =>
    mockServices.rootConfig({
      data: {
        integrations: {
          github: [
            {
              host: server.host,
              apiBaseUrl: `${server.baseUrl}/api/v3`,
              token: TOKEN,
            },
          ],
        },
        dbaas: {
          gitops: {
            remote: { url: `${server.baseUrl}/acme/gitops.git`, ...remote },
          },
        },
      },
    });
  const branches = async () => (await git.listBranches({ fs, gitdir })).sort();

  describe.each(databases.eachSupportedId())(
    'in pull request mode, on %s',
    id => {
      async function setUp() {
        const knex = await databases.init(id);
        const store = await DatabaseServiceStore.create({
          database: mockServices.database({ knex }),
        });
        const timeline = await TimelineStore.create({
          database: mockServices.database({ knex }),
        });
        const logger = mockServices.logger.mock();
        const { provisioner, publisher } = await provisionerFromConfig({
          config: configWith({ mode: 'pullRequest' }),
          logger,
          timeline,
          services: store,
          pops: { listPops: async () => examplePops },
          outbox: await GitOpsOutboxStore.create({
            database: mockServices.database({ knex }),
          }),
        });
        const create = (name: string) =>
          createThrough(store, provisioner, name);
        const update = async (serviceId: string, size: string) => {
          const current = (await store.getService(serviceId))!;
          let handOver: HandOver;
          await store.updateSpec(
            {
              id: serviceId,
              generation: current.generation,
              spec: {
                ...current.spec,
                storage: { ...current.spec.storage, size },
              },
            },
            async (tx, record) => {
              handOver = await provisioner.apply(record, tx);
            },
          );
          await provisioner.handedOver(handOver);
          return (await store.getService(serviceId))!;
        };
        return {
          knex,
          store,
          timeline,
          logger,
          create,
          update,
          publisher: publisher!,
        };
      }

      it('records the pull request that proposes a new database', async () => {
        const { store, timeline, create } = await setUp();

        const created = await create('orders');

        const [request] = standIn.pullRequests;
        expect(request).toMatchObject({
          title:
            'Create database orders of group:default/payments (generation 1)',
          base: 'main',
          head: expect.stringMatching(
            /^dbaas\/payments\/orders\/g1-[0-9a-f]{8}$/,
          ),
        });
        const expected = {
          path: 'tenants/payments/orders.yaml',
          commitSha: request.headSha,
          commitUrl: `${server.baseUrl}/acme/gitops/commit/${request.headSha}`,
          pullRequestUrl: request.url,
        };
        expect(created.gitops).toEqual(expected);
        expect((await store.getService(created.id))?.gitops).toEqual(expected);
        expect(await timeline.list(created.id)).toEqual([
          expect.objectContaining({
            step: 'committed',
            generation: 1,
            detail: `${request.headSha}, proposed in ${request.url}`,
          }),
        ]);
        // Proposed, not committed: the branch Argo CD syncs has only the layout.
        expect(await git.listFiles({ fs, gitdir, ref: 'main' })).not.toContain(
          'tenants/payments/orders.yaml',
        );
      });

      it('closes the older proposal a newer change of the database supersedes', async () => {
        const { create, update } = await setUp();
        const created = await create('orders');
        const resized = await update(created.id, '200Gi');
        const [first, second] = standIn.pullRequests;

        expect(created.gitops?.pullRequestUrl).toBe(first.url);
        expect(resized.gitops?.pullRequestUrl).toBe(second.url);
        expect(second.title).toBe(
          'Update database orders of group:default/payments (generation 2)',
        );
        expect(first.state).toBe('closed');
        expect(first.comments).toEqual([
          `Superseded by ${second.url}, which proposes this database's claim as it is now. Closed by the DBaaS portal.`,
        ]);
        expect(second.state).toBe('open');

        // A proposal people merged meanwhile is left alone.
        second.state = 'merged';
        await update(created.id, '300Gi');
        expect(second.state).toBe('merged');
        expect(second.comments).toEqual([]);
      });

      it('keeps a new database waiting, and leaves no branch, while the pull request is refused', async () => {
        const { knex, logger, create, publisher } = await setUp();
        await create('orders');
        const before = await branches();
        standIn.failWith(422, {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'PullRequest',
              code: 'custom',
              message: 'Base branch is protected',
            },
          ],
        });

        // The database is recorded; its claim waits in the outbox, with why.
        const ledger = await create('ledger');
        expect(ledger.gitops).toBeUndefined();
        expect(
          await knex('gitops_outbox').select('path', 'last_error'),
        ).toEqual([
          {
            path: 'tenants/payments/ledger.yaml',
            last_error: expect.stringMatching(
              /^GitHub did not open the pull request for the claim \(it answered 422\)/,
            ),
          },
        ]);

        expect(await branches()).toEqual(before);
        const recorded = await knex('service_instances').select('name');
        expect(recorded.map(row => row.name).sort()).toEqual([
          'ledger',
          'orders',
        ]);
        // Why, for whoever runs the portal.
        expect(logger.error).toHaveBeenCalledWith(
          'Could not write tenants/payments/ledger.yaml',
          expect.objectContaining({
            message:
              'GitHub did not open the pull request: it answered 422, Validation Failed; Base branch is protected',
          }),
        );

        // Once the code host takes requests again, the waiting claim is proposed.
        standIn.recover();
        await eventually('the waiting claim is proposed', async () => {
          await publisher.publishDue();
          return (await knex('gitops_outbox').select('seq')).length === 0;
        });
        expect(standIn.pullRequests.map(pr => pr.title)).toContain(
          'Create database ledger of group:default/payments (generation 1)',
        );
      });
    },
  );

  it('pushes with the integration\u2019s token, not a token of its own', async () => {
    const logger = mockServices.logger.mock();
    const knex = await databases.init('SQLITE_3');
    const store = await DatabaseServiceStore.create({
      database: mockServices.database({ knex }),
    });
    const { provisioner } = await provisionerFromConfig({
      // The git server takes only the integration's token.
      config: configWith({ token: 'an-old-token-of-our-own' }),
      logger,
      timeline: await TimelineStore.create({
        database: mockServices.database({ knex }),
      }),
      services: store,
      pops: { listPops: async () => examplePops },
      outbox: await GitOpsOutboxStore.create({
        database: mockServices.database({ knex }),
      }),
    });

    const created = await createThrough(store, provisioner, 'orders');

    // Commit mode: on main directly, no request.
    expect(await git.resolveRef({ fs, gitdir, ref: 'main' })).toBe(
      created.gitops?.commitSha,
    );
    expect(created.gitops?.pullRequestUrl).toBeUndefined();
    expect(standIn.requests).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      `dbaas.gitops.remote.token is not used: the github integration for ${server.host} has credentials, and the portal uses those`,
    );
  });

  it('records a change while the git host does not answer, and keeps it waiting', async () => {
    const knex = await databases.init('SQLITE_3');
    const database = mockServices.database({ knex });
    const store = await DatabaseServiceStore.create({ database });
    const outbox = await GitOpsOutboxStore.create({ database });
    const { provisioner } = await provisionerFromConfig({
      // Nothing listens on port 9 of this machine.
      config: mockServices.rootConfig({
        data: {
          dbaas: {
            gitops: { remote: { url: 'http://127.0.0.1:9/acme/gitops.git' } },
          },
        },
      }),
      logger: mockServices.logger.mock(),
      timeline: await TimelineStore.create({ database }),
      services: store,
      outbox,
      pops: { listPops: async () => examplePops },
    });

    await provisioner.checkOwnership({ tenant: TENANT, name: 'orders' });
    const { id } = await createThrough(store, provisioner, 'orders');
    expect((await store.getService(id))?.gitops).toBeUndefined();
    expect(await knex('gitops_outbox').select('path', 'last_error')).toEqual([
      {
        path: 'tenants/payments/orders.yaml',
        last_error: expect.stringMatching(
          /^The GitOps repository did not take the claim: /,
        ),
      },
    ]);
  });

  it('refuses pull request mode where no integration can open requests', async () => {
    const knex = await databases.init('SQLITE_3');
    const timeline = await TimelineStore.create({
      database: mockServices.database({ knex }),
    });
    const database = mockServices.database({ knex });
    const services = await DatabaseServiceStore.create({ database });
    const outbox = await GitOpsOutboxStore.create({ database });
    const logger = mockServices.logger.mock();
    const start = (
      data: NonNullable<Parameters<typeof mockServices.rootConfig>[0]>['data'],
    ) =>
      provisionerFromConfig({
        config: mockServices.rootConfig({ data }),
        logger,
        timeline,
        services,
        outbox,
        pops: { listPops: async () => examplePops },
      });

    await expect(
      start({
        dbaas: {
          gitops: {
            remote: {
              url: 'https://git.internal/acme/gitops.git',
              mode: 'pullRequest',
            },
          },
        },
      }),
    ).rejects.toThrow(
      'dbaas.gitops.remote.mode pullRequest needs a GitHub or GitLab integration for git.internal (integrations.github or integrations.gitlab)',
    );
    await expect(
      start({
        dbaas: {
          gitops: {
            remote: {
              url: 'https://github.com/acme/gitops.git',
              mode: 'pullRequest',
              token: 'ours',
            },
          },
        },
      }),
    ).rejects.toThrow(
      'dbaas.gitops.remote.mode pullRequest needs credentials in the github integration for github.com',
    );
    await expect(
      start({
        integrations: { github: [{ host: 'ghe.example.com', token: 'x' }] },
        dbaas: {
          gitops: {
            remote: {
              url: 'https://ghe.example.com/acme/gitops.git',
              mode: 'pullRequest',
            },
          },
        },
      }),
    ).rejects.toThrow(
      'dbaas.gitops.remote.mode pullRequest: The GitHub integration for ghe.example.com has no apiBaseUrl to open pull requests through',
    );
    await expect(
      start({
        dbaas: {
          gitops: {
            remote: { url: 'https://github.com/acme/gitops.git', mode: 'pr' },
          },
        },
      }),
    ).rejects.toThrow(
      'dbaas.gitops.remote.mode must be commit or pullRequest, not pr',
    );
  });
});
