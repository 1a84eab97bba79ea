import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import {
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { CoreV1Api, CustomObjectsApi, loadYaml } from '@kubernetes/client-node';
import {
  describeWithServices,
  eventually,
  installCrds,
  kubeConfigFrom,
  loadCrds,
  withTestPostgres,
} from '@internal/test-services';
import request from 'supertest';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';
import { CLAIM_API, kubernetesConfig } from '../__testUtils__/kubernetesConfig';
import { TimelineStore } from '../database/TimelineStore';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ADA = 'user:default/ada';
const NO_CLUSTER_DETAIL = /no cluster confirms removals in this setup/;

/** The portal with its local GitOps repository, on `id`'s database. */
async function startPortal(
  id: TestDatabaseId,
  root: string,
  rootConfig?: Record<string, unknown>,
) {
  const knex = await databases.init(id);
  const repositoryPath = path.join(root, 'gitops.git');
  const backend = await startDbaasBackend({
    knex,
    config: { gitops: { localPath: repositoryPath } },
    ...(rootConfig ? { rootConfig } : {}),
  });
  const api = (method: 'get' | 'post' | 'delete', url: string, body?: object) =>
    request(backend.server)
      [method](`/api/dbaas/v1${url}`)
      .set('Authorization', backend.as(ADA))
      .send(body);
  const timeline = await TimelineStore.create({
    database: mockServices.database({ knex }),
  });
  return { backend, api, timeline, repositoryPath };
}

const order = (name: string) => ({
  name,
  tenant: PAYMENTS,
  engine: 'postgresql',
  plan: 'shared',
  region: 'lagos',
});

// The embedded default (scripts/start.sh): no cluster is configured, so no
// cluster can ever report a claim gone. The commit of its removal ends the
// database, or every database deleted there would keep its quota for good.
describe.each(databases.eachSupportedId())(
  'a delete where no cluster is watched, on %s',
  id => {
    let root: string;
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-no-cluster-'));
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it('ends when its removal is committed, and frees the quota', async () => {
      const { backend, api, timeline } = await startPortal(id, root);
      try {
        const ids: string[] = [];
        for (let n = 1; n <= 10; n++) {
          const created = await api('post', '/services', order(`db-${n}`));
          expect(created.status).toBe(201);
          ids.push(created.body.id);
        }
        // The tenant's quota is 10 databases.
        const refused = await api('post', '/services', order('db-11'));
        expect(refused.status).toBe(429);
        expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');

        for (const serviceId of ids) {
          const deleted = await api('delete', `/services/${serviceId}`);
          expect(deleted.status).toBe(202);
          expect(deleted.body.status).toBe('deleting');
        }

        for (const serviceId of ids) {
          await eventually(`database ${serviceId} ends`, async () => {
            const res = await api('get', `/services/${serviceId}`);
            return res.status === 404;
          });
          const steps = await timeline.list(serviceId);
          const last = steps[steps.length - 1];
          expect(last).toMatchObject({
            step: 'deleted',
            detail: expect.stringMatching(NO_CLUSTER_DETAIL),
          });
          // No cluster said it, so none is named.
          expect(last.cluster).toBeUndefined();
          expect(steps.map(s => s.step)).toContain('committed');
        }
        const list = await api('get', `/services?tenant=${PAYMENTS}`);
        expect(list.body.data).toEqual([]);

        const eleventh = await api('post', '/services', order('db-11'));
        expect(eleventh.status).toBe(201);
      } finally {
        await backend.stop();
      }
    });
  },
);

// With a cluster configured, the cluster confirms: the commit of a removal
// only asks for it, and the database is Deleting until its claim is gone
// from the cluster.
describeWithServices(['kube'], 'a delete where a cluster is watched', env => {
  const kc = kubeConfigFrom(env);
  const claims = kc.makeApiClient(CustomObjectsApi);
  const namespace = 'tenant-payments';
  // The apiserver outlives test runs: every run gets its own database name.
  const name = `gone-${Date.now().toString(36)}`;
  let root: string;

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } })
      .catch(() => undefined); // There from an earlier run.
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-cluster-confirms-'));
  });
  afterAll(async () => {
    await claims
      .deleteNamespacedCustomObject({ ...CLAIM_API, namespace, name })
      .catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('stays Deleting after the commit, until the cluster reports the claim gone', async () => {
    const { backend, api, timeline, repositoryPath } = await startPortal(
      'SQLITE_3',
      root,
      kubernetesConfig({ kc, token: env.DBAAS_KUBE_TOKEN, name: 'lagos' }),
    );
    try {
      const created = await api('post', '/services', order(name));
      expect(created.status).toBe(201);
      const serviceId: string = created.body.id;

      // The claim as committed, applied as Argo CD would apply it.
      const { gitops } = await eventually('the claim is committed', async () =>
        (
          await api('get', `/services/${serviceId}`)
        ).body.gitops?.commitSha
          ? (
              await api('get', `/services/${serviceId}`)
            ).body
          : undefined,
      );
      const { blob } = await git.readBlob({
        fs,
        gitdir: repositoryPath,
        oid: gitops.commitSha,
        filepath: gitops.path,
      });
      await claims.createNamespacedCustomObject({
        ...CLAIM_API,
        namespace,
        body: loadYaml(Buffer.from(blob).toString('utf8')),
      });
      await eventually('the cluster reports the claim', async () =>
        (await timeline.list(serviceId)).some(s => s.step === 'synced'),
      );

      const deleted = await api('delete', `/services/${serviceId}`);
      expect(deleted.status).toBe(202);
      await eventually('the removal is committed', async () =>
        (
          await timeline.list(serviceId)
        ).some(
          s => s.step === 'committed' && /^removed in /.test(s.detail ?? ''),
        ),
      );
      // Give a wrongly ending portal the time to end it.
      await new Promise(resolve => setTimeout(resolve, 1000));
      const going = await api('get', `/services/${serviceId}`);
      expect(going.status).toBe(200);
      expect(going.body.status).toBe('deleting');
      expect((await timeline.list(serviceId)).map(s => s.step)).not.toContain(
        'deleted',
      );

      // Argo CD prunes it; no operator holds it with a finalizer here.
      await claims.deleteNamespacedCustomObject({
        ...CLAIM_API,
        namespace,
        name,
      });
      await eventually(
        'the database ends',
        async () => (await api('get', `/services/${serviceId}`)).status === 404,
      );
      const steps = await timeline.list(serviceId);
      expect(steps[steps.length - 1]).toMatchObject({
        step: 'deleted',
        cluster: 'lagos',
      });
      expect(steps[steps.length - 1].detail).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });
});
