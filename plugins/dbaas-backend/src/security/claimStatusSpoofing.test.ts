import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  claimManifest,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
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

const ADA = 'user:default/ada';

// Whoever can write a ServiceClaim somewhere in a PoP cluster (another
// tenant's namespace, a namespace of their own) can copy the label
// dbaas.io/service-id of any database. Such a claim must not speak for it:
// not its status, its connection host, its backups, nor its end.
describeWithServices(['kube'], 'a claim elsewhere spoofing a database', env => {
  const kc = kubeConfigFrom(env);
  const claims = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  // The apiserver outlives test runs: every run gets its own names.
  const name = `spoofed-${Date.now().toString(36)}`;
  const namespace = 'tenant-payments';
  const elsewhere = [
    { namespace: 'tenant-checkout', name },
    { namespace, name: `${name}-copy` },
  ];

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    for (const ns of ['tenant-payments', 'tenant-checkout']) {
      await core
        .createNamespace({ body: { metadata: { name: ns } } })
        .catch(() => undefined);
    }
  });

  const claim = (
    at: { namespace: string; name: string },
    serviceId: string,
  ) => {
    // The portal's own claim of the database, put somewhere else.
    const manifest = claimManifest({
      id: serviceId,
      tenant: PAYMENTS,
      name,
      spec: specFromSku(skuCatalog, 'pg-shared', 'frankfurt'),
    });
    return claims.createNamespacedCustomObject({
      ...CLAIM_API,
      namespace: at.namespace,
      body: { ...manifest, metadata: { ...manifest.metadata, ...at } },
    });
  };
  const setStatus = (at: { namespace: string; name: string }, status: object) =>
    claims.patchNamespacedCustomObjectStatus(
      { ...CLAIM_API, ...at, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  it('believes only the claim where the database is', async () => {
    const backend = await startDbaasBackend({
      rootConfig: kubernetesConfig({
        kc,
        token: env.DBAAS_KUBE_TOKEN,
        name: 'frankfurt',
      }),
    });
    const api = (method: 'get' | 'delete', url: string) =>
      request(backend.server)
        [method](`/api/dbaas/v1${url}`)
        .set('Authorization', backend.as(ADA));
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

      for (const at of elsewhere) {
        await claim(at, id);
        await setStatus(at, {
          phase: 'Active',
          connection: { host: 'db.attacker.example', port: 5432 },
          backups: [
            {
              name: `${name}-forged`,
              type: 'scheduled',
              phase: 'completed',
              startedAt: '2026-03-01T02:00:00Z',
            },
          ],
        });
      }
      // The database's own claim, reported after the forged ones: once the
      // portal has it, it has had every forged event before it.
      await claim({ namespace, name }, id);
      await setStatus(
        { namespace, name },
        {
          phase: 'Provisioning',
          connection: { host: `${name}-rw.${namespace}.svc`, port: 5432 },
        },
      );
      const seen = await eventually('the real claim is recorded', async () => {
        const res = await api('get', `/services/${id}`);
        return res.body.connection ? res.body : undefined;
      });
      expect(seen.status).toBe('provisioning');
      expect(seen.connection).toEqual({
        host: `${name}-rw.${namespace}.svc`,
        port: 5432,
      });
      expect(
        seen.timeline.filter((s: { step: string }) => s.step === 'synced'),
      ).toHaveLength(1);
      const backups = await api('get', `/services/${id}/backups`);
      expect(backups.body.data).toEqual([]);

      // Its decommission: the forged claims going away is not its end.
      expect((await api('delete', `/services/${id}`)).status).toBe(202);
      for (const at of elsewhere) {
        await claims.deleteNamespacedCustomObject({ ...CLAIM_API, ...at });
      }
      // A change of the real claim after those deletions: once the portal has
      // it, it has had the deletions too.
      await setStatus(
        { namespace, name },
        { connection: { host: `${name}-rw.${namespace}.svc`, port: 6432 } },
      );
      const deleting = await eventually('the marker is recorded', async () => {
        const res = await api('get', `/services/${id}`);
        return res.body.connection?.port === 6432 ? res.body : undefined;
      });
      expect(deleting.status).toBe('deleting');
      await claims.deleteNamespacedCustomObject({
        ...CLAIM_API,
        namespace,
        name,
      });
      const gone = await eventually(
        'the real claim\u2019s end is recorded',
        async () => {
          const res = await api('get', `/services/${id}`);
          return res.status === 404 ? res : undefined;
        },
      );
      expect(gone.status).toBe(404);
    } finally {
      await backend.stop();
      for (const at of [...elsewhere, { namespace, name }]) {
        await claims
          .deleteNamespacedCustomObject({ ...CLAIM_API, ...at })
          .catch(() => undefined);
      }
    }
  });
});
