import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  describeWithServices,
  eventually,
  installCrds,
  kubeConfigFrom,
  loadCrds,
  repoRoot,
} from '@internal/test-services';
import yaml from 'js-yaml';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import request from 'supertest';
import { serviceClaimsIn } from './__testUtils__/serviceClaimsIn';
import { startPortalTestBackend } from './__testUtils__/startPortalTestBackend';

// The template's wait step polls every 5 s; everything else takes seconds.
jest.setTimeout(120_000);

type TaskEvent = {
  type: string;
  body: {
    message?: string;
    output?: { text?: { title: string; content: string }[] };
  };
};

describeWithServices(['kube'], 'ordering a database end to end', env => {
  const kc = kubeConfigFrom(env);
  // The apiserver outlives test runs and never finalizes a namespace, so every
  // run orders for a tenant (and namespace) of its own.
  const run = Date.now().toString(36);
  const tenant = `e2e-${run}`;
  const tenantRef = `group:default/${tenant}`;
  const namespace = `tenant-${tenant}`;
  const claims = serviceClaimsIn(kc, namespace);
  const database = 'orders';
  const developer = 'user:default/ada';
  const asDeveloper = mockCredentials.user.header(developer);

  let root: string;
  let gitdir: string;
  let server: Server;
  let stop: (() => Promise<void>) | undefined;

  const get = (url: string) =>
    request(server).get(url).set('Authorization', asDeveloper);

  /**
   * Runs `step`, printing what it threw in full: some errors (an AggregateError
   * of refused connections, a knex pool's) reach jest with an empty message.
   */
  async function explained<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      // eslint-disable-next-line no-console
      console.error(inspect(error, { depth: 4 }));
      throw error;
    }
  }

  beforeAll(() => explained(setUp));

  async function setUp() {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-provisioning-flow-'));
    gitdir = path.join(root, 'gitops.git');
    // The tenant of this run, under an organization as catalog/org.yaml has them.
    const org = path.join(root, 'org.yaml');
    fs.writeFileSync(
      org,
      yaml.dump({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Location',
        metadata: { name: `e2e-${run}` },
        spec: { targets: ['./groups.yaml'] },
      }),
    );
    fs.writeFileSync(
      path.join(root, 'groups.yaml'),
      [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: `e2e-org-${run}` },
          spec: { type: 'organization', children: [tenant] },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: tenant },
          spec: { type: 'team', parent: `e2e-org-${run}`, children: [] },
        },
      ]
        .map(entity => yaml.dump(entity))
        .join('---\n'),
    );

    const backend = await startPortalTestBackend({
      memberships: { [developer]: [tenantRef] },
      config: {
        catalog: {
          rules: [
            {
              allow: [
                'Component',
                'System',
                'API',
                'Resource',
                'Location',
                'Group',
                'User',
                'Domain',
                'Template',
              ],
            },
          ],
          locations: [
            { type: 'file', target: org },
            {
              type: 'file',
              target: path.join(
                repoRoot,
                'templates/new-database/template.yaml',
              ),
            },
          ],
        },
        permission: { enabled: true },
        dbaas: {
          permissions: { platformAdmins: ['group:default/platform'] },
          gitops: { localPath: gitdir },
          gitopsSync: { enabled: true, intervalSeconds: 1 },
        },
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'lagos',
                  url: env.DBAAS_KUBE_API_URL,
                  authProvider: 'serviceAccount',
                  serviceAccountToken: env.DBAAS_KUBE_TOKEN,
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
      },
    });
    server = backend.server;
    stop = backend.stop;

    // The template and the tenant must be in the catalog before anyone orders.
    for (const ref of [
      'template/default/new-database',
      `group/default/${tenant}`,
    ]) {
      await eventually(`${ref} in the catalog`, async () =>
        (await get(`/api/catalog/entities/by-name/${ref}`)).status === 200
          ? true
          : undefined,
      );
    }
  }

  afterAll(() =>
    explained(async () => {
      // The backend first, so that the GitOps sync cannot apply the claim again.
      await stop?.();
      await claims.deleteAll();
      if (root) fs.rmSync(root, { recursive: true, force: true });
    }),
  );

  // The expectations are in orderThroughTheTemplate.
  // eslint-disable-next-line jest/expect-expect
  it('runs "New database" through GitOps and the cluster to an Active catalog entity', () =>
    explained(orderThroughTheTemplate));

  async function orderThroughTheTemplate() {
    const startedAt = performance.now();
    const times: Record<string, number> = {};
    const mark = (step: string) => {
      times[step] = Math.round(performance.now() - startedAt);
    };

    const created = await request(server)
      .post('/api/scaffolder/v2/tasks')
      .set('Authorization', asDeveloper)
      .send({
        templateRef: 'template:default/new-database',
        values: {
          tenant: tenantRef,
          name: database,
          offering: {
            engine: 'postgresql',
            plan: 'shared',
            region: 'lagos',
            sku: 'pg-shared',
          },
        },
      });
    expect(created.status).toBe(201);
    const taskId = created.body.id as string;
    const task = async () => {
      const { body } = await get(`/api/scaffolder/v2/tasks/${taskId}`);
      const { body: events } = await get(
        `/api/scaffolder/v2/tasks/${taskId}/events`,
      );
      return {
        status: body.status as string,
        events: events as TaskEvent[],
      };
    };
    /** Throws with the task's log when it ended without ordering the database. */
    const unlessTaskFailed = async () => {
      const { status, events } = await task();
      if (status === 'failed' || status === 'cancelled') {
        throw new Error(
          `The task ${status}:\n${events.map(e => e.body.message).join('\n')}`,
        );
      }
      return undefined;
    };

    // (1) The claim is committed to the GitOps repository.
    const claimFile = `tenants/${tenant}/${database}.yaml`;
    const committed = await eventually(`a commit of ${claimFile}`, () => {
      try {
        return Promise.resolve(
          execFileSync(
            'git',
            [`--git-dir=${gitdir}`, 'show', `main:${claimFile}`],
            { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
          ),
        );
      } catch {
        return unlessTaskFailed();
      }
    });
    mark('committed');
    const manifest = yaml.load(committed) as any;
    expect(manifest).toMatchObject({
      apiVersion: 'dbaas.io/v1alpha1',
      kind: 'ServiceClaim',
      metadata: { name: database, namespace },
    });
    const serviceId = manifest.metadata.labels['dbaas.io/service-id'];
    expect(serviceId).toEqual(expect.any(String));

    // (2) The GitOps sync applies it to the cluster.
    const applied = await eventually(`the claim in ${namespace}`, () =>
      claims.get(database),
    );
    mark('applied');
    expect(applied.spec).toEqual(manifest.spec);

    // (3) The operator's part, played by the test: Provisioning, then Active.
    const generation = applied.metadata.generation;
    const patchStatus = (status: object) => claims.setStatus(database, status);
    const service = (status: string) =>
      eventually(`the API showing ${status}`, async () => {
        const response = await get(`/api/dbaas/v1/services/${serviceId}`);
        return response.body.status === status ? response.body : undefined;
      });

    await patchStatus({
      phase: 'Provisioning',
      observedGeneration: generation,
    });
    await service('provisioning');
    const connection = {
      host: `${database}.${namespace}.svc`,
      port: 5432,
      passwordSecretRef: { name: `${database}-credentials`, key: 'password' },
    };
    await patchStatus({
      phase: 'Active',
      observedGeneration: generation,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Provisioned',
          message: 'The database accepts connections',
          lastTransitionTime: new Date().toISOString(),
          observedGeneration: generation,
        },
      ],
      connection,
    });

    // (4) The API shows it Active, with the way there.
    const details = await service('active');
    mark('active in the API');
    expect(details).toMatchObject({
      id: serviceId,
      name: database,
      tenant: tenantRef,
      createdBy: developer,
      observedGeneration: generation,
      connection,
      gitops: { path: `tenants/${tenant}/${database}.yaml` },
    });
    expect(details.timeline.map((s: { step: string }) => s.step)).toEqual([
      'committed',
      'synced',
      'provisioning',
      'active',
    ]);

    // (5) The catalog entity follows.
    const entity = await eventually('the catalog entity Active', async () => {
      const response = await get(
        `/api/catalog/entities/by-name/resource/default/${tenant}.${database}`,
      );
      const found = response.body as Entity;
      return response.status === 200 &&
        found.metadata.annotations?.['dbaas.io/phase'] === 'Active'
        ? found
        : undefined;
    });
    mark('active in the catalog');
    expect(entity.spec).toMatchObject({ type: 'database', owner: tenantRef });
    expect(entity.relations).toContainEqual(
      expect.objectContaining({ type: 'ownedBy', targetRef: tenantRef }),
    );

    // (6) The template's wait step, polling every 5 s, sees it Active too.
    const ended = await eventually(
      'the scaffolder task ending',
      async () => {
        const current = await task();
        return ['completed', 'failed', 'cancelled'].includes(current.status)
          ? current
          : undefined;
      },
      { timeoutMs: 70_000 },
    );
    mark('task completed');
    // The task's log says why, should it not have completed.
    expect({
      status: ended.status,
      log:
        ended.status === 'completed'
          ? []
          : ended.events.map(e => e.body.message),
    }).toEqual({ status: 'completed', log: [] });
    const completion = ended.events.find(e => e.type === 'completion');
    expect(completion?.body.output?.text?.[0]?.content).toContain(
      `**${database}** of ${tenantRef} is **Active**`,
    );

    process.stdout.write(
      `New database, from the scaffolder task's creation: ${Object.entries(
        times,
      )
        .map(([step, ms]) => `${step} ${ms} ms`)
        .join(', ')}\n`,
    );
  }
});
