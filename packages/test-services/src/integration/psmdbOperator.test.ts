import fs from 'node:fs';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PolicyV1Api,
} from '@kubernetes/client-node';
import { describeWithServices } from '../describeWithServices';
import { eventually } from '../eventually';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';

jest.setTimeout(120_000);

const PSMDB = {
  group: 'psmdb.percona.com',
  version: 'v1',
  plural: 'perconaservermongodbs',
};
const CERT_MANAGER = { group: 'cert-manager.io', version: 'v1' };

/** deploy/cr-minimal.yaml of the release, at the sizes of a real sharded cluster. */
function shardedCluster(name: string) {
  const volumeSpec = {
    persistentVolumeClaim: { resources: { requests: { storage: '3Gi' } } },
  };
  return {
    apiVersion: `${PSMDB.group}/${PSMDB.version}`,
    kind: 'PerconaServerMongoDB',
    metadata: { name },
    spec: {
      crVersion: '1.22.0',
      image: 'percona/percona-server-mongodb:8.0.19-7',
      upgradeOptions: { apply: 'disabled', schedule: '0 2 * * *' },
      secrets: { users: name },
      replsets: [{ name: 'rs0', size: 3, volumeSpec }],
      sharding: {
        enabled: true,
        configsvrReplSet: { size: 3, volumeSpec },
        mongos: { size: 2 },
      },
    },
  };
}

// The real Percona Operator for MongoDB v1.22.0 on a kube-apiserver of its own
// (scripts/services/psmdb.sh), given a sharded cluster. Nothing runs pods here
// (no kubelet, no StatefulSet controller), so the operator stops where a kubelet
// would take over: it makes the replica set and config server StatefulSets, the
// Services, the users, key and TLS Secrets, and reports "initializing" while it
// waits for pods. The mongos StatefulSet is not among them: the operator makes it
// from the config server pods' hosts, once they exist (reconcileMongosStatefulset).
describeWithServices(
  ['psmdb'],
  'The Percona Operator for MongoDB (service psmdb)',
  env => {
    const kc = kubeConfigFrom({ DBAAS_KUBECONFIG: env.DBAAS_PSMDB_KUBECONFIG });
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const policy = kc.makeApiClient(PolicyV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const namespace = `psmdb-smoke-${Date.now().toString(36)}`;
    const name = 'smoke';

    beforeAll(async () => {
      // Every CRD, as the reconcile suites install them. cert-manager's are
      // among them, without CertificateRequest: the operator must still take
      // cert-manager as absent and make its TLS Secrets itself.
      await installCrds(kc);
      await core.createNamespace({ body: { metadata: { name: namespace } } });
    });

    afterAll(async () => {
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    });

    it('reconciles a sharded cluster to where a kubelet takes over, with no error', async () => {
      await custom.createNamespacedCustomObject({
        ...PSMDB,
        namespace,
        body: shardedCluster(name),
      });

      const cluster: any = await eventually(
        'the operator reports the cluster initializing',
        async () => {
          const found: any = await custom.getNamespacedCustomObject({
            ...PSMDB,
            namespace,
            name,
          });
          return found.status?.state === 'initializing' ? found : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const [statefulSets, services, secrets, budgets] = await Promise.all([
        apps.listNamespacedStatefulSet({ namespace }),
        core.listNamespacedService({ namespace }),
        core.listNamespacedSecret({ namespace }),
        policy.listNamespacedPodDisruptionBudget({ namespace }),
      ]);
      const names = (list: { items: { metadata?: { name?: string } }[] }) =>
        list.items.map(item => item.metadata!.name!).sort();

      // eslint-disable-next-line no-console
      console.log(
        [
          `PerconaServerMongoDB ${namespace}/${name} status: ${JSON.stringify(
            cluster.status,
          )}`,
          `StatefulSets: ${statefulSets.items
            .map(s => {
              const pod = s.spec!.template.spec!;
              return `${s.metadata!.name} (${s.spec!.replicas} replicas; ${[
                ...(pod.initContainers ?? []),
                ...pod.containers,
              ]
                .map(c => `${c.name} ${c.image}`)
                .join(', ')})`;
            })
            .join('; ')}`,
          `Services: ${names(services).join(', ')}`,
          `Secrets: ${secrets.items
            .map(s => `${s.metadata!.name} (${s.type})`)
            .join(', ')}`,
          `PodDisruptionBudgets: ${names(budgets).join(', ')}`,
        ].join('\n'),
      );

      expect(cluster.status).toMatchObject({
        state: 'initializing',
        size: 6,
        ready: 0,
        replsets: {
          rs0: { size: 3, ready: 0, status: 'initializing' },
          cfg: { size: 3, ready: 0, status: 'initializing' },
        },
        host: `${name}-mongos.${namespace}.svc.cluster.local:27017`,
      });
      expect(cluster.status.message).toBeUndefined();
      expect(
        cluster.status.conditions.filter((c: any) => c.type === 'error'),
      ).toEqual([]);

      expect(names(statefulSets)).toEqual([`${name}-cfg`, `${name}-rs0`]);
      for (const sts of statefulSets.items) {
        expect(sts.spec!.replicas).toBe(3);
        const pod = sts.spec!.template.spec!;
        expect(pod.containers[0].image).toBe(
          'percona/percona-server-mongodb:8.0.19-7',
        );
        // The image of the operator's own Pod, which the service created.
        expect(pod.initContainers?.[0].image).toBe(
          'percona/percona-server-mongodb-operator:1.22.0',
        );
      }
      expect(names(services)).toEqual([
        `${name}-cfg`,
        `${name}-mongos`,
        `${name}-rs0`,
      ]);
      expect(secrets.items.map(s => [s.metadata!.name, s.type]).sort()).toEqual(
        [
          [`internal-${name}-users`, 'Opaque'],
          [name, 'Opaque'],
          [`${name}-mongodb-encryption-key`, 'Opaque'],
          [`${name}-mongodb-keyfile`, 'Opaque'],
          [`${name}-ssl`, 'kubernetes.io/tls'],
          [`${name}-ssl-internal`, 'kubernetes.io/tls'],
        ],
      );
      // Made by the operator itself: nothing asked of a cert-manager.
      for (const plural of ['issuers', 'certificates']) {
        const list: any = await eventually(`a list of ${plural}`, () =>
          custom
            .listNamespacedCustomObject({ ...CERT_MANAGER, namespace, plural })
            .catch(error => {
              // Their CRDs were installed a moment ago, on a fresh apiserver.
              if (error.code === 429) return undefined;
              throw error;
            }),
        );
        expect(list.items).toEqual([]);
      }

      // And nothing went wrong on the operator's side for this cluster.
      const errors = fs
        .readFileSync(env.DBAAS_PSMDB_LOG, 'utf8')
        .split('\n')
        .filter(line => line.includes(`"namespace":"${namespace}"`))
        .filter(line => JSON.parse(line).level === 'error');
      expect(errors).toEqual([]);
    });
  },
);
