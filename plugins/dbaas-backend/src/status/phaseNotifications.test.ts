import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import { claimManifest } from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  eventually,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import request from 'supertest';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';
import { CLAIM_API, kubernetesConfig } from '../__testUtils__/kubernetesConfig';

jest.setTimeout(90_000);

const ADA = 'user:default/ada'; // of payments
const KWAME = 'user:default/kwame'; // of checkout, another tenant

type Notification = {
  user: string;
  payload: { title: string; link?: string; severity?: string };
};

// A database that fails in its PoP, reported on its claim as the operator
// reports it, reaches its team's members through the real notifications
// backend, once, and nobody else; its recovery replaces the failure.
describeWithServices(['kube'], 'a failed database told to its team', env => {
  const kc = kubeConfigFrom(env);
  const claims = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  // The apiserver outlives test runs: every run gets its own names.
  const name = `failing-${Date.now().toString(36)}`;
  const namespace = 'tenant-payments';

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    await core
      .createNamespace({ body: { metadata: { name: namespace } } })
      .catch(() => undefined);
  });

  it('notifies the owning team when its database fails and when it recovers', async () => {
    const backend = await startDbaasBackend({
      rootConfig: {
        ...kubernetesConfig({
          kc,
          token: env.DBAAS_KUBE_TOKEN,
          name: 'frankfurt',
        }),
        // The notifications backend links notifications into the app.
        app: { baseUrl: 'http://localhost:3000' },
      },
      features: [notificationsPlugin],
    });
    const inbox = async (user: string) => {
      const res = await request(backend.server)
        .get('/api/notifications/notifications')
        .set('Authorization', backend.as(user));
      expect(res.status).toBe(200);
      return res.body.notifications as Notification[];
    };
    const setStatus = (status: object) =>
      claims.patchNamespacedCustomObjectStatus(
        { ...CLAIM_API, namespace, name, body: { status } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    try {
      const created = await request(backend.server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA))
        .send({
          name,
          tenant: PAYMENTS,
          engine: 'postgresql',
          plan: 'dedicated',
          region: 'frankfurt',
        });
      expect(created.status).toBe(201);
      const id = created.body.id;
      const manifest = claimManifest({
        id,
        tenant: PAYMENTS,
        name,
        spec: created.body.config,
      });
      await claims.createNamespacedCustomObject({
        ...CLAIM_API,
        namespace,
        body: manifest,
      });
      await setStatus({ phase: 'Provisioning' });
      await setStatus({
        phase: 'Failed',
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            message: 'instance 1 cannot mount its volume',
          },
        ],
      });

      const [failed] = await eventually(
        "the failure in ada's notifications",
        async () => {
          const mine = await inbox(ADA);
          return mine.length > 0 && mine;
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(failed.payload).toMatchObject({
        title: `Database ${name} failed`,
        severity: 'critical',
        link: `/catalog/default/resource/payments.${name}`,
      });
      expect(failed.payload).toMatchObject({
        description: expect.stringContaining(
          'instance 1 cannot mount its volume',
        ),
      });
      expect(await inbox(KWAME)).toEqual([]);

      await setStatus({
        phase: 'Active',
        conditions: [{ type: 'Ready', status: 'True' }],
      });
      const recovered = await eventually(
        'the recovery in its place',
        async () => {
          const mine = await inbox(ADA);
          return (
            mine.length === 1 &&
            mine[0].payload.title === `Database ${name} recovered` &&
            mine
          );
        },
        { timeoutMs: 30_000, intervalMs: 250 },
      );
      expect(recovered[0].payload.severity).toBe('normal');
      expect(await inbox(KWAME)).toEqual([]);
    } finally {
      await claims
        .deleteNamespacedCustomObject({ ...CLAIM_API, namespace, name })
        .catch(() => undefined);
      await backend.stop();
    }
  });
});
