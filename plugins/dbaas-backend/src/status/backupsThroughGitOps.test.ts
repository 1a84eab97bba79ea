import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import {
  CustomObjectsApi,
  PatchStrategy,
  loadAllYaml,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { CLAIM_ANNOTATIONS } from '@internal/backstage-plugin-dbaas-common';
import {
  applyManifests,
  describeWithServices,
  eventually,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import request from 'supertest';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';
import { CLAIM_API, kubernetesConfig } from '../__testUtils__/kubernetesConfig';

// Backups end within their retention: the day before the test runs.
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

jest.setTimeout(60_000);

const ADA = 'user:default/ada';

// The backend's whole path for a manual backup: the API records it and commits
// the claim with the request, Argo CD applies it (played here by applying the
// committed file; the whole-loop test runs the real one),
// the cluster's claim status reports the backup (written here as the operator
// would; its own tests take it from there), and the backend's status watch
// records the outcome for the API.
describeWithServices(['kube'], 'a manual backup through GitOps', env => {
  const kc = kubeConfigFrom(env);
  const claims = kc.makeApiClient(CustomObjectsApi);
  // The apiserver outlives test runs: every run gets its own database name.
  const name = `inv-${Date.now().toString(36)}`;
  const namespace = 'tenant-payments';
  let root: string;

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-backup-e2e-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reaches the cluster as a request and comes back completed', async () => {
    const repositoryPath = path.join(root, 'gitops.git');
    const backend = await startDbaasBackend({
      config: { gitops: { localPath: repositoryPath } },
      rootConfig: kubernetesConfig({
        kc,
        token: env.DBAAS_KUBE_TOKEN,
        name: 'frankfurt',
      }),
    });
    const api = (method: 'get' | 'post', url: string, body?: object) =>
      request(backend.server)
        [method](`/api/dbaas/v1${url}`)
        .set('Authorization', backend.as(ADA))
        .send(body);
    // The database's claim as last committed, once its commit is not `after`.
    const committed = (serviceId: string, after?: string) =>
      eventually('the claim is committed', async () => {
        const { gitops } = (await api('get', `/services/${serviceId}`)).body;
        return gitops?.commitSha && gitops.commitSha !== after
          ? (gitops as { path: string; commitSha: string })
          : undefined;
      });
    try {
      const created = await api('post', '/services', {
        name,
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'frankfurt',
      });
      expect(created.status).toBe(201);
      const creation = await committed(created.body.id);
      const backup = await api('post', `/services/${created.body.id}/backups`, {
        description: 'Before the migration',
      });
      expect(backup.status).toBe(201);
      expect(backup.body.status).toBe('pending');

      const { path: filepath, commitSha } = await committed(
        created.body.id,
        creation.commitSha,
      );
      const { blob } = await git.readBlob({
        fs,
        gitdir: repositoryPath,
        oid: commitSha,
        filepath,
      });
      await applyManifests(kc, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        ...loadAllYaml(Buffer.from(blob).toString('utf8')),
      ]);
      const claim = (await claims.getNamespacedCustomObject({
        ...CLAIM_API,
        namespace,
        name,
      })) as { metadata: { annotations: Record<string, string> } };
      expect(claim.metadata.annotations[CLAIM_ANNOTATIONS.backupRequest]).toBe(
        backup.body.id,
      );

      // What the operator reports once CloudNativePG has taken it, beside a
      // backup the engine's schedule took.
      await claims.patchNamespacedCustomObjectStatus(
        {
          ...CLAIM_API,
          namespace,
          name,
          body: {
            status: {
              phase: 'Active',
              backups: [
                {
                  name: `${name}-${backup.body.id}`,
                  type: 'manual',
                  backupId: backup.body.id,
                  phase: 'completed',
                  startedAt: `${YESTERDAY}T03:00:00Z`,
                  completedAt: `${YESTERDAY}T03:02:00Z`,
                },
                {
                  name: `${name}-backup-20260301020000`,
                  type: 'scheduled',
                  phase: 'completed',
                  startedAt: `${YESTERDAY}T02:00:00Z`,
                  completedAt: `${YESTERDAY}T02:05:00Z`,
                },
              ],
            },
          },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );

      const list = await eventually('the backups are recorded', async () => {
        const res = await api('get', `/services/${created.body.id}/backups`);
        const data: { id: string; type: string; status: string }[] =
          res.body.data;
        return data.length === 2 && data.every(b => b.status === 'completed')
          ? data
          : undefined;
      });
      expect(list).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: backup.body.id,
            type: 'manual',
            status: 'completed',
            description: 'Before the migration',
            completedAt: `${YESTERDAY}T03:02:00.000Z`,
          }),
          expect.objectContaining({
            type: 'scheduled',
            status: 'completed',
            startedAt: `${YESTERDAY}T02:00:00.000Z`,
          }),
        ]),
      );
    } finally {
      await backend.stop();
      // No operator holds it with a finalizer here: it goes at once.
      await claims
        .deleteNamespacedCustomObject({ ...CLAIM_API, namespace, name })
        .catch(() => undefined);
    }
  });
});
