import fs from 'node:fs';
import {
  AppsV1Api,
  CoreV1Api,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import {
  CLAIM_ANNOTATIONS,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  eventually,
  kubeConfigFrom,
} from '@internal/test-services';
import { claimBody } from '../../__testUtils__/claimBody';
import { reconcileOnKube } from '../../reconcile/__testUtils__/reconcileOnKube';
import { reconcileClaim } from '../../reconcile/reconcileClaim';

jest.setTimeout(120_000);

const psmdb = { group: 'psmdb.percona.com', version: 'v1' };

// The real Percona Operator for MongoDB v1.22.0 on a kube-apiserver of its own
// (scripts/services/psmdb.sh). It has no admission webhooks; its controllers
// check and default every PerconaServerMongoDB (CheckNSetDefaults) and build
// what runs it. Our operator reconciles each claim there as in a PoP; Percona
// then does everything short of what a kubelet does: no pod runs here, so a
// cluster stays "initializing" with its StatefulSets, Services and Secrets
// made. That is what these tests read, as the claim promises it. TLS: the
// cluster has cert-manager's CRDs but no cert-manager, so Percona's check finds
// none and it makes the certificates itself; in a PoP it asks cert-manager with
// the issuer the render names (tls.issuerConf, tested in tls.test.ts).
describeWithServices(
  ['psmdb'],
  'MongoDB claims on the real Percona Operator for MongoDB',
  env => {
    const psmdbEnv = { ...env, DBAAS_KUBECONFIG: env.DBAAS_PSMDB_KUBECONFIG };
    const kube = reconcileOnKube(psmdbEnv, 'psmdb');
    const { namespace, deps } = kube;
    const kc = kubeConfigFrom(psmdbEnv);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);

    const statefulSet = (name: string) =>
      eventually(`StatefulSet ${name}`, () =>
        apps
          .readNamespacedStatefulSet({ namespace, name })
          .catch(() => undefined),
      );

    /** Percona's status once it has reconciled the cluster without an error. */
    async function initializing(name: string): Promise<any> {
      return eventually(
        `${name} initializing`,
        async () => {
          const found: any = await kube.read(
            'perconaservermongodbs',
            name,
            psmdb,
          );
          if (found?.status?.state === 'error') {
            throw new Error(`${name}: ${found.status.message}`);
          }
          return found?.status?.state === 'initializing' ? found : undefined;
        },
        { timeoutMs: 90_000 },
      );
    }

    function podOf(set: V1StatefulSet) {
      const pod = set.spec!.template.spec!;
      return {
        pod,
        labels: set.spec!.template.metadata!.labels!,
        container: (name: string) => pod.containers.find(c => c.name === name),
      };
    }

    type Case = {
      name: string;
      sku: string;
      edit?: (spec: ServiceClaimSpec) => void;
      members: number;
      shards: string[];
      backups: boolean;
    };
    const cases: Case[] = [
      {
        // The shared plan as the portal's form makes it: one member.
        name: 'shared',
        sku: 'mongo-flex-rs',
        edit: spec => {
          delete spec.sku;
          spec.plan = 'shared';
          spec.resources.mongod.replicas = 1;
          spec.highAvailability = { multiAZ: false };
        },
        members: 1,
        shards: [],
        backups: true,
      },
      {
        name: 'rs',
        sku: 'mongo-flex-rs',
        members: 3,
        shards: [],
        backups: true,
      },
      {
        name: 'sharded',
        sku: 'mongo-flex-sharded',
        members: 3,
        shards: ['rs0', 'rs1'],
        backups: true,
      },
      {
        name: 'nobackup',
        sku: 'mongo-flex-rs',
        edit: spec => {
          spec.backup = { enabled: false };
        },
        members: 3,
        shards: [],
        backups: false,
      },
    ];

    it.each(cases)(
      'reconciles $sku ($name) to where a kubelet takes over, with no error',
      async c => {
        const body = claimBody(namespace, c.name, { sku: c.sku, edit: c.edit });
        await kube.createClaim(body);
        await reconcileClaim(deps, `${namespace}/${c.name}`);
        const cluster = await initializing(c.name);
        expect(cluster.status.conditions ?? []).not.toContainEqual(
          expect.objectContaining({ type: 'error' }),
        );

        // One StatefulSet per replica set, sized and placed as the claim asks.
        const replsets = c.shards.length ? c.shards : ['rs0'];
        const size = body.spec.resources.mongod;
        for (const replset of replsets) {
          const set = await statefulSet(`${c.name}-${replset}`);
          expect(set.spec!.replicas).toBe(c.members);
          const { pod, labels, container } = podOf(set);
          expect(labels).toMatchObject({
            'app.kubernetes.io/instance': c.name,
            'app.kubernetes.io/component': 'mongod',
            'app.kubernetes.io/replset': replset,
            'dbaas.io/service-id': `svc-${c.name}`,
          });
          expect(container('mongod')?.image).toBe(
            'percona/percona-server-mongodb:8.0.19-7',
          );
          expect(container('mongod')?.resources).toEqual({
            requests: { cpu: size.cpu, memory: size.memory },
            limits: { cpu: size.cpu, memory: size.memory },
          });
          // The exporter beside every member; PBM's agent where backups are on.
          expect(container('metrics')?.ports?.[0].containerPort).toBe(9216);
          expect(Boolean(container('backup-agent'))).toBe(c.backups);
          expect(pod.nodeSelector).toEqual({
            'dbaas.io/node-pool': c.name === 'shared' ? 'shared' : 'dedicated',
          });
          // No required anti-affinity of the operator's default: our spread.
          expect(
            pod.affinity?.podAntiAffinity
              ?.requiredDuringSchedulingIgnoredDuringExecution,
          ).toBeUndefined();
          expect(
            (pod.topologySpreadConstraints ?? []).map(t => t.topologyKey),
          ).toEqual(
            c.members > 1
              ? [
                  ...(body.spec.highAvailability.multiAZ
                    ? ['topology.kubernetes.io/zone']
                    : []),
                  'kubernetes.io/hostname',
                ]
              : [],
          );
          expect(
            set.spec!.volumeClaimTemplates![0].spec!.resources!.requests!
              .storage,
          ).toBe(body.spec.storage.size);
        }
        // The config servers of a sharded cluster. The routers come once
        // every config server pod exists (reconcileMongosStatefulset in
        // psmdb_controller.go), which takes a kubelet: their size is checked
        // in the render tests.
        const configServers = c.shards.length
          ? (await statefulSet(`${c.name}-cfg`)).spec!.replicas
          : undefined;
        expect(configServers).toBe(c.shards.length ? 3 : undefined);

        const services = (await core.listNamespacedService({ namespace })).items
          .map(s => s.metadata!.name!)
          .filter(n => n.startsWith(`${c.name}-`))
          .sort();
        expect(services).toEqual(
          c.shards.length
            ? [
                `${c.name}-cfg`,
                `${c.name}-mongos`,
                ...c.shards.map(s => `${c.name}-${s}`),
              ].sort()
            : [`${c.name}-rs0`],
        );

        // The system users are ours (owned by the claim, goes with it); the
        // operator only adds what it misses.
        const users = await core.readNamespacedSecret({
          namespace,
          name: `${c.name}-system-users`,
        });
        expect(users.metadata?.ownerReferences?.[0].kind).toBe('ServiceClaim');
        expect(Object.keys(users.data ?? {})).toEqual(
          expect.arrayContaining([
            'MONGODB_CLUSTER_MONITOR_USER',
            'MONGODB_CLUSTER_MONITOR_PASSWORD',
            'MONGODB_BACKUP_PASSWORD',
          ]),
        );

        // And the claim says what Percona says.
        await reconcileClaim(deps, `${namespace}/${c.name}`);
        const claim = await kube.getClaim(c.name);
        expect(claim.status?.phase).toBe('Provisioning');
        expect(claim.status?.connection?.host).toBe(
          `${c.name}-${c.shards.length ? 'mongos' : 'rs0'}.${namespace}.svc`,
        );
      },
    );

    it('takes a requested backup as a PerconaServerMongoDBBackup of the cluster, reported pending', async () => {
      const backupId = '7d3f9a52-1c2e-4b8a-9f10-2a3b4c5d6e7f';
      const body = claimBody(namespace, 'backedup', { sku: 'mongo-flex-rs' });
      await kube.createClaim({
        ...body,
        metadata: {
          ...body.metadata,
          annotations: { [CLAIM_ANNOTATIONS.backupRequest]: backupId },
        },
      });
      await reconcileClaim(deps, `${namespace}/backedup`);
      await initializing('backedup');
      await reconcileClaim(deps, `${namespace}/backedup`);
      const backup: any = await kube.read(
        'perconaservermongodbbackups',
        `backedup-${backupId}`,
        psmdb,
      );
      expect(backup?.spec).toMatchObject({
        clusterName: 'backedup',
        storageName: 'claim',
      });
      // Percona's backup controller first connects to the cluster's
      // backup agents (newBackup in psmdb_backup_controller.go), which need
      // running members: with no pod here it retries for five minutes and
      // then fails the backup. What it does with a running cluster is not
      // something this machine can show.
      expect(backup.status?.state ?? '').toBe('');
      await reconcileClaim(deps, `${namespace}/backedup`);
      const claim = await kube.getClaim('backedup');
      expect(claim.status?.backups).toContainEqual(
        expect.objectContaining({
          backupId,
          type: 'manual',
          phase: 'pending',
        }),
      );
    });

    it("restores from the source's storage: Percona takes the restore and waits for the new cluster", async () => {
      await kube.createClaim(
        claimBody(namespace, 'restored', {
          sku: 'mongo-flex-rs',
          edit: spec => {
            spec.restore = {
              source: 'orders',
              backup: '2026-12-03T02:00:21Z',
              pointInTime: '2026-12-03T04:15:30Z',
            };
          },
        }),
      );
      await reconcileClaim(deps, `${namespace}/restored`);
      // Percona puts a restore in error for good when its cache does not hold
      // the cluster yet, so the restore waits until Percona has seen it.
      expect(
        await kube.read(
          'perconaservermongodbrestores',
          'restored-restore',
          psmdb,
        ),
      ).toBeUndefined();
      expect(
        kube.conditionOf(await kube.getClaim('restored'))?.message,
      ).toMatch(/the PerconaServerMongoDBRestore is not applied yet/);
      await initializing('restored');
      await reconcileClaim(deps, `${namespace}/restored`);
      // Percona's restore controller checks the restore (CheckFields), the
      // cluster it restores into (CanRestore, CheckNSetDefaults), the backup
      // from its source (logical, as `selective` requires) and the storage,
      // then waits for the cluster's PBM agents: as far as it goes with no
      // pod running (psmdb_restore_controller.go, validate.go).
      await eventually('Percona validates the restore', async () =>
        fs
          .readFileSync(env.DBAAS_PSMDB_LOG, 'utf8')
          .split('\n')
          .some(
            line =>
              line.includes('"msg":"waiting for pbm-agent"') &&
              line.includes(`"namespace":"${namespace}"`) &&
              line.includes('"name":"restored-restore"'),
          ),
      );
      const restore: any = await kube.read(
        'perconaservermongodbrestores',
        'restored-restore',
        psmdb,
      );
      expect(restore.status?.state ?? '').toBe('');
      expect(restore.spec.backupSource.destination).toBe(
        `s3://dbaas-backups-frankfurt/${namespace}/orders/2026-12-03T02:00:21Z`,
      );
      await reconcileClaim(deps, `${namespace}/restored`);
      const claim = await kube.getClaim('restored');
      expect(claim.status?.phase).toBe('Provisioning');
      expect(kube.conditionOf(claim)?.reason).toBe('Restoring');
    });
  },
);
