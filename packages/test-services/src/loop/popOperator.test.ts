import {
  AuthenticationV1Api,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  specFromSku,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { describeWithServices } from '../describeWithServices';
import { eventually } from '../eventually';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { EngineOperatorStandIn } from './EngineOperatorStandIn';
import { startPopOperator, type PopOperator } from './startPopOperator';

jest.setTimeout(180_000);

const POP = 'lagos';
const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};

type Claim = { metadata: { name: string }; status?: ServiceClaimStatus };

/* eslint-disable no-console -- the test prints how long each hop took */
describeWithServices(
  ['kube'],
  'the ServiceClaim operator of a PoP, installed from its chart, with the engine operators played',
  env => {
    const admin = kubeConfigFrom(env);
    const core = admin.makeApiClient(CoreV1Api);
    const custom = admin.makeApiClient(CustomObjectsApi);
    const run = Date.now().toString(36);
    const tenant = `tenant-loop-${run}`;
    const release = `sco-${run}`;
    const releaseNamespace = `pop-${POP}-${run}`;
    let operator: PopOperator | undefined;
    let standIn: EngineOperatorStandIn | undefined;

    const claim = (name: string, sku: string) => ({
      apiVersion: `${claimApi.group}/${claimApi.version}`,
      kind: SERVICE_CLAIM_API.kind,
      metadata: {
        name,
        namespace: tenant,
        labels: {
          [DBAAS_LABELS.serviceId]: `svc-${name}`,
          [DBAAS_LABELS.serviceName]: name,
          // Only this run's claims: the apiserver is shared with other suites.
          'test-run': run,
        },
      },
      spec: specFromSku(skuCatalog, sku, POP),
    });
    const readClaim = (name: string) =>
      custom
        .getNamespacedCustomObject({ ...claimApi, namespace: tenant, name })
        .then(
          object => object as Claim,
          (error: any) => {
            if (error.code === 404) return undefined;
            throw error;
          },
        );

    beforeAll(async () => {
      await installCrds(admin);
      await core.createNamespace({ body: { metadata: { name: tenant } } });
      const startedAt = Date.now();
      operator = await startPopOperator({
        kubeConfig: admin,
        pop: POP,
        namespace: releaseNamespace,
        release,
        values: { backupDestination: `s3://dbaas-backups-${POP}` },
        env: { CLAIM_LABEL_SELECTOR: `test-run=${run}`, DRAIN_SECONDS: '2' },
      });
      const installedAt = Date.now();
      await operator.ready();
      console.info(
        `chart installed and token issued in ${
          installedAt - startedAt
        } ms; operator process ready (/readyz) ${
          Date.now() - installedAt
        } ms after its start`,
      );
      standIn = new EngineOperatorStandIn({
        kubeConfig: admin,
        namespaces: [tenant],
      });
      await standIn.start();
    });

    afterAll(async () => {
      await standIn?.stop();
      await operator?.stop();
      const objects = KubernetesObjectApi.makeApiClient(admin);
      for (const kind of ['ClusterRoleBinding', 'ClusterRole']) {
        await objects
          .delete({
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind,
            metadata: { name: `${release}-serviceclaim-operator` },
          })
          .catch(() => undefined);
      }
      await core.deleteNamespace({ name: tenant }).catch(() => undefined);
      await core
        .deleteNamespace({ name: releaseNamespace })
        .catch(() => undefined);
    });

    it("runs with the chart's ServiceAccount, which is not an administrator", async () => {
      const kc = new KubeConfig();
      kc.loadFromFile(operator!.kubeConfigFile);
      expect(kc.getCurrentUser()?.token).toBeTruthy();
      expect(kc.getCurrentUser()?.certData).toBeUndefined();
      const authorization = kc.makeApiClient(AuthorizationV1Api);
      const can = async (attributes: Record<string, string>) =>
        (
          await authorization.createSelfSubjectAccessReview({
            body: { spec: { resourceAttributes: attributes } },
          })
        ).status?.allowed === true;
      const review = await kc
        .makeApiClient(AuthenticationV1Api)
        .createSelfSubjectReview({ body: {} });
      expect(review.status?.userInfo?.username).toBe(operator!.user);
      expect({
        watchClaims: await can({
          group: 'dbaas.io',
          resource: 'serviceclaims',
          verb: 'watch',
        }),
        readSecrets: await can({
          resource: 'secrets',
          verb: 'get',
          namespace: tenant,
        }),
        deleteClaims: await can({
          group: 'dbaas.io',
          resource: 'serviceclaims',
          verb: 'delete',
          namespace: tenant,
        }),
        createNamespaces: await can({ resource: 'namespaces', verb: 'create' }),
      }).toEqual({
        watchClaims: true,
        readSecrets: false,
        deleteClaims: false,
        createNamespaces: false,
      });
    });

    it('takes a shared PostgreSQL and a YugabyteDB to Active with a connection, and deletes them', async () => {
      const names = { pg: `pg-${run}`, yb: `yb-${run}` };
      const createdAt = Date.now();
      await custom.createNamespacedCustomObject({
        ...claimApi,
        namespace: tenant,
        body: claim(names.pg, 'pg-shared'),
      });
      await custom.createNamespacedCustomObject({
        ...claimApi,
        namespace: tenant,
        body: claim(names.yb, 'yb-shared'),
      });
      for (const name of Object.values(names)) {
        const active = await eventually(
          `${name} Active`,
          async () => {
            const read = await readClaim(name);
            return read?.status?.phase === 'Active' ? read : undefined;
          },
          { timeoutMs: 60_000 },
        );
        console.info(
          `${name}: claim applied → Active ${Date.now() - createdAt} ms`,
        );
        expect(active.status?.connection).toEqual(
          expect.objectContaining({
            host: expect.any(String),
            port: expect.any(Number),
            passwordSecretRef: expect.objectContaining({
              name: expect.any(String),
            }),
          }),
        );
      }

      const deletedAt = Date.now();
      for (const name of Object.values(names)) {
        await custom.deleteNamespacedCustomObject({
          ...claimApi,
          namespace: tenant,
          name,
        });
      }
      for (const name of Object.values(names)) {
        await eventually(
          `${name} gone`,
          async () => (await readClaim(name)) === undefined,
          { timeoutMs: 60_000 },
        );
        console.info(
          `${name}: delete → claim gone ${Date.now() - deletedAt} ms`,
        );
      }
      // The PostgreSQL claim went only after its final backup completed.
      const finalBackup = (await custom.getNamespacedCustomObject({
        group: 'postgresql.cnpg.io',
        version: 'v1',
        plural: 'backups',
        namespace: tenant,
        name: `${names.pg}-final`,
      })) as { status?: { phase?: string } };
      expect(finalBackup.status?.phase).toBe('completed');
    });

    it("takes a Dragonfly to Active once the StatefulSet its operator makes has every pod ready, read with the chart's RBAC", async () => {
      const name = `dfly-${run}`;
      await standIn!.setPhase(`${tenant}/${name}`, 'provisioning');
      await custom.createNamespacedCustomObject({
        ...claimApi,
        namespace: tenant,
        body: claim(name, 'dfly-mem-16g'),
      });
      const reached = (phase: string, ready: RegExp) =>
        eventually(`${phase}: ${ready}`, async () => {
          const read = await readClaim(name);
          const said = read?.status?.conditions?.find(c => c.type === 'Ready');
          return read?.status?.phase === phase &&
            ready.test(said?.message ?? '')
            ? read
            : undefined;
        });
      // The stand-in's StatefulSet, as the chart's RBAC lets the operator list it.
      await reached('Provisioning', /0 of 1 pods ready/);
      const healthyAt = Date.now();
      await standIn!.setPhase(`${tenant}/${name}`, 'healthy');
      const active = await reached('Active', /all 1 pods are ready/);
      expect(
        active.status?.conditions?.find(c => c.type === 'Degraded')?.status,
      ).toBe('False');
      console.info(
        `${name}: StatefulSet and Dragonfly ready → Active ${
          Date.now() - healthyAt
        } ms`,
      );
      await custom.deleteNamespacedCustomObject({
        ...claimApi,
        namespace: tenant,
        name,
      });
      await eventually(`${name} gone`, async () => !(await readClaim(name)));
    });

    it('reports Provisioning while the engine sets up, and Failed when it fails', async () => {
      const name = `pg-held-${run}`;
      await standIn!.setPhase(`${tenant}/${name}`, 'provisioning');
      await custom.createNamespacedCustomObject({
        ...claimApi,
        namespace: tenant,
        body: claim(name, 'pg-shared'),
      });
      const phaseOf = async () => (await readClaim(name))?.status?.phase;
      const reached = (phase: string) =>
        eventually(phase, async () =>
          (await phaseOf()) === phase ? phase : undefined,
        );
      expect(await reached('Provisioning')).toBe('Provisioning');
      await standIn!.setPhase(`${tenant}/${name}`, 'failed');
      expect(await reached('Failed')).toBe('Failed');
      await custom.deleteNamespacedCustomObject({
        ...claimApi,
        namespace: tenant,
        name,
      });
      await eventually(`${name} gone`, async () => !(await readClaim(name)));
    });
  },
);
