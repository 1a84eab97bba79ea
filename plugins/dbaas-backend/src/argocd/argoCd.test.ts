import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  describeWithServices,
  eventually,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import request from 'supertest';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(90_000);

const ADA = 'user:default/ada';
const ARGO = { group: 'argoproj.io', version: 'v1alpha1' };

type Annotated = { metadata: { annotations?: Record<string, string> } };

// The portal against the Argo CD resources on a real apiserver, with Argo CD's
// CRDs: Argo CD's controllers do not run here, so the test reads what the
// portal asks of them (the refresh annotations) and writes, as the
// application controller would, an Application whose sync failed.
describeWithServices(['kube'], 'the portal and Argo CD', env => {
  const kc = kubeConfigFrom(env);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  // The apiserver outlives test runs (and may run a real Argo CD in `argocd`):
  // every run has a namespace and database names of its own.
  const run = Date.now().toString(36);
  const namespace = `argocd-${run}`;
  const name = `orders-${run}`;
  let root: string;

  const application = (appName: string, tenant: string) => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: appName,
      namespace,
      labels: { 'dbaas.io/pop': 'lagos', 'dbaas.io/tenant': tenant },
    },
    spec: {
      project: `dbaas-tenant-${tenant}`,
      destination: {
        server: 'https://lagos.example',
        namespace: `tenant-${tenant}`,
      },
      source: {
        repoURL: 'https://git.example/gitops.git',
        path: `tenants/${tenant}`,
      },
    },
  });
  const read = async (plural: string, objectName: string) =>
    (await custom.getNamespacedCustomObject({
      ...ARGO,
      plural,
      namespace,
      name: objectName,
    })) as Annotated;

  /** Writes the Application's status as Argo CD's application controller does. */
  const writeStatus = (appName: string, status: object) =>
    custom.patchNamespacedCustomObject(
      {
        ...ARGO,
        plural: 'applications',
        namespace,
        name: appName,
        body: { status },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.file.includes(`crds${path.sep}argocd`)),
    );
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await custom.createNamespacedCustomObject({
      ...ARGO,
      plural: 'applicationsets',
      namespace,
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: 'dbaas-tenants', namespace },
        spec: {
          generators: [],
          template: {
            metadata: { name: '{{ .path.basename }}' },
            spec: {
              project: 'default',
              destination: { server: '{{ .server }}' },
            },
          },
        },
      },
    });
    // The tenant's project, as Argo CD syncs it from argocd/tenants/: the
    // portal refreshes the ApplicationSet once it is there.
    await custom.createNamespacedCustomObject({
      ...ARGO,
      plural: 'appprojects',
      namespace,
      body: {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'dbaas-tenant-payments', namespace },
        spec: {},
      },
    });
    for (const [appName, tenant] of [
      ['lagos-payments', 'payments'],
      ['lagos-checkout', 'checkout'],
    ]) {
      await custom.createNamespacedCustomObject({
        ...ARGO,
        plural: 'applications',
        namespace,
        body: application(appName, tenant),
      });
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-argocd-'));
  });
  afterAll(async () => {
    fs.rmSync(root, { recursive: true, force: true });
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("asks Argo CD to refresh after a commit, and shows its sync error on the database's timeline", async () => {
    const cluster = kc.getCurrentCluster()!;
    const backend = await startDbaasBackend({
      config: {
        gitops: {
          localPath: path.join(root, 'gitops.git'),
          argocd: {
            namespace,
            cluster: {
              url: cluster.server,
              serviceAccountToken: env.DBAAS_KUBE_TOKEN,
              caData: cluster.caData,
            },
          },
        },
      },
    });
    const api = (url: string) =>
      request(backend.server)
        .get(`/api/dbaas/v1${url}`)
        .set('Authorization', backend.as(ADA));
    try {
      const created = await request(backend.server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA))
        .send({
          name,
          tenant: PAYMENTS,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
      expect(created.status).toBe(201);
      expect(
        created.body.timeline.map((s: { step: string }) => s.step),
      ).toEqual(['committed']);

      // The tenant's Applications and the ApplicationSet, not other tenants'.
      const refreshed = await eventually(
        'Argo CD is asked to refresh',
        async () => {
          const app = await read('applications', 'lagos-payments');
          const set = await read('applicationsets', 'dbaas-tenants');
          return app.metadata.annotations?.['argocd.argoproj.io/refresh'] &&
            set.metadata.annotations?.[
              'argocd.argoproj.io/application-set-refresh'
            ]
            ? { app, set }
            : undefined;
        },
      );
      expect(refreshed.app.metadata.annotations).toEqual(
        expect.objectContaining({
          'argocd.argoproj.io/refresh': 'normal',
          'argocd.argoproj.io/refresh-timestamp': expect.any(String),
        }),
      );
      expect(
        refreshed.set.metadata.annotations?.[
          'argocd.argoproj.io/application-set-refresh'
        ],
      ).toBe('true');
      expect(
        (await read('applications', 'lagos-checkout')).metadata.annotations?.[
          'argocd.argoproj.io/refresh'
        ],
      ).toBeUndefined();

      // What Argo CD's application controller writes when the claim is refused.
      const message = `ServiceClaim.dbaas.io "${name}" is invalid: spec.plan: Unsupported value: "shared"`;
      await writeStatus('lagos-payments', {
        operationState: {
          operation: { sync: { revision: 'abc123' } },
          phase: 'Running',
          startedAt: '2026-12-02T10:00:00Z',
          finishedAt: '2026-12-02T10:00:01Z',
          retryCount: 1,
          message:
            'one or more objects failed to apply. Retrying attempt #1 at 2026-12-02T10:00:06Z.',
          syncResult: {
            revision: 'abc123',
            resources: [
              {
                group: 'dbaas.io',
                version: 'v1alpha1',
                kind: 'ServiceClaim',
                namespace: 'tenant-payments',
                name,
                status: 'SyncFailed',
                message,
                syncPhase: 'Sync',
              },
            ],
          },
        },
      });

      const timeline = await eventually(
        'the sync error is on the timeline',
        async () => {
          const res = await api(`/services/${created.body.id}`);
          const steps: { step: string }[] = res.body.timeline;
          return steps.some(s => s.step === 'sync-failed') ? steps : undefined;
        },
      );
      expect(timeline).toEqual([
        expect.objectContaining({ step: 'committed' }),
        expect.objectContaining({
          step: 'sync-failed',
          generation: 1,
          cluster: 'lagos',
          detail: message,
        }),
      ]);

      // The next attempt fails alike: the timeline says it once.
      await writeStatus('lagos-payments', {
        operationState: {
          retryCount: 2,
          message:
            'one or more objects failed to apply. Retrying attempt #2 at 2026-12-02T10:00:16Z.',
        },
      });
      await new Promise(resolve => setTimeout(resolve, 1_000));
      const again = await api(`/services/${created.body.id}`);
      expect(
        again.body.timeline.filter(
          (s: { step: string }) => s.step === 'sync-failed',
        ),
      ).toHaveLength(1);
    } finally {
      await backend.stop();
    }
  });
});
