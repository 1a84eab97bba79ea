import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { describeWithServices } from '../describeWithServices';
import { eventually } from '../eventually';
import { loadCrds } from '../kube/crdFiles';
import { exampleFromSchema } from '../kube/exampleFromSchema';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import {
  EngineOperatorStandIn,
  STAND_IN_KINDS,
  standInStatus,
  type EnginePhase,
} from './EngineOperatorStandIn';

jest.setTimeout(120_000);

const PHASES: EnginePhase[] = ['healthy', 'provisioning', 'failed'];

// Sizes the stand-in reports back (members, instances, shards), and the fields
// CEL rules ask for beyond the schema's required ones.
const specAdditions: Record<string, Record<string, unknown>> = {
  Cluster: { instances: 3 },
  YBUniverse: { numNodes: 3, replicationFactor: 3 },
  BackupSchedule: { cronExpression: '0 */6 * * *' },
  ScyllaCluster: {
    datacenter: {
      name: 'lagos',
      racks: [{ name: 'r1', members: 3, storage: { capacity: '1Gi' } }],
    },
    backups: [{ name: 'scheduled', location: ['s3:bucket'] }],
  },
  VitessCluster: {
    cells: [{ name: 'lagos' }],
    keyspaces: [
      {
        name: 'app',
        partitionings: [
          {
            equal: {
              parts: 2,
              shardTemplate: {
                databaseInitScriptSecret: { name: 'vt-init', key: 'init.sql' },
                tabletPools: [
                  {
                    cell: 'lagos',
                    type: 'replica',
                    replicas: 3,
                    vttablet: { resources: {} },
                    mysqld: { resources: {} },
                  },
                ],
              },
            },
          },
        ],
      },
    ],
  },
  Dragonfly: { replicas: 3 },
  AerospikeCluster: { size: 2 },
  PerconaServerMongoDB: { replsets: [{ name: 'rs0', size: 3 }] },
};

/** Times differ between two renderings; everything else must not. */
function withoutTimes(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v) =>
    typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v)
      ? '<time>'
      : v,
  );
}

describeWithServices(['kube'], 'the engine operator stand-in', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const namespace = `engine-stand-in-${Date.now().toString(36)}`;
  const crds = loadCrds();
  let standIn: EngineOperatorStandIn;

  const crdOf = (apiVersion: string, kind: string) => {
    const [group, version] = apiVersion.split('/');
    const found = crds.find(
      ({ crd }) => crd.spec.group === group && crd.spec.names.kind === kind,
    );
    if (!found) throw new Error(`No CRD for ${kind}.${apiVersion}`);
    const schema = found.raw.spec.versions.find((v: any) => v.name === version)
      .schema.openAPIV3Schema;
    return { group, version, plural: found.crd.spec.names.plural, schema };
  };
  const create = (apiVersion: string, kind: string, name: string) => {
    const { group, version, plural, schema } = crdOf(apiVersion, kind);
    return custom.createNamespacedCustomObject({
      group,
      version,
      plural,
      namespace,
      body: {
        apiVersion,
        kind,
        metadata: { name, namespace },
        spec: {
          ...(exampleFromSchema(schema.properties.spec) as object),
          ...specAdditions[kind],
        },
      },
    }) as Promise<KubernetesObject>;
  };
  const read = (apiVersion: string, kind: string, name: string) => {
    const { group, version, plural } = crdOf(apiVersion, kind);
    return custom.getNamespacedCustomObject({
      group,
      version,
      plural,
      namespace,
      name,
    }) as Promise<KubernetesObject & { status?: Record<string, unknown> }>;
  };

  beforeAll(async () => {
    await installCrds(kc, crds);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    standIn = new EngineOperatorStandIn({
      kubeConfig: kc,
      namespaces: [namespace],
    });
    await standIn.start();
  });

  afterAll(async () => {
    await standIn?.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('writes every engine kind a status in each phase that its CRD keeps as written', async () => {
    const cases = STAND_IN_KINDS.flatMap(({ apiVersion, kind }) =>
      PHASES.map(phase => ({
        apiVersion,
        kind,
        phase,
        name: `${kind.toLowerCase()}-${phase}`,
      })),
    );
    for (const c of cases) {
      if (c.phase !== 'healthy') {
        await standIn.setPhase(`${namespace}/${c.name}`, c.phase);
      }
      await create(c.apiVersion, c.kind, c.name);
    }
    // A kind with nothing to report in a phase (a schedule YBA has not taken
    // yet) keeps an empty status.
    const nothing = (c: (typeof cases)[number]) =>
      Object.keys(
        standInStatus(
          {
            apiVersion: c.apiVersion,
            kind: c.kind,
            metadata: { name: c.name, namespace },
          },
          c.phase,
        ) ?? {},
      ).length === 0;
    const startedAt = Date.now();
    const stored: Record<string, unknown> = {};
    const written: Record<string, unknown> = {};
    for (const c of cases.filter(x => !nothing(x))) {
      const object = await eventually(
        `a status on ${c.kind} ${c.name}`,
        async () => {
          const fresh = await read(c.apiVersion, c.kind, c.name);
          return fresh.status && Object.keys(fresh.status).length
            ? fresh
            : undefined;
        },
      );
      const key = `${c.kind} ${c.phase}`;
      stored[key] = withoutTimes(object.status);
      written[key] = withoutTimes(standInStatus(object, c.phase));
    }
    for (const c of cases.filter(nothing)) {
      const object = await read(c.apiVersion, c.kind, c.name);
      stored[`${c.kind} ${c.phase}`] = object.status ?? {};
      written[`${c.kind} ${c.phase}`] = {};
    }
    // Read back as written: the apiserver accepted it and pruned nothing.
    expect(stored).toEqual(written);
    // eslint-disable-next-line no-console
    console.info(
      `${cases.length} engine resources given a status in ${
        Date.now() - startedAt
      } ms (${standIn.statusWrites} writes)`,
    );
  });

  it("makes the Dragonfly operator's StatefulSet, counted for the phase, before the Dragonfly's status", async () => {
    const name = 'dfly-moving';
    await standIn.setPhase(`${namespace}/${name}`, 'provisioning');
    const created = await create('dragonflydb.io/v1alpha1', 'Dragonfly', name);
    // Found as the ServiceClaim operator looks for it (dragonflyStatus.related).
    const statefulSet = async () =>
      (
        await apps.listNamespacedStatefulSet({
          namespace,
          labelSelector: `app=${name},app.kubernetes.io/part-of=dragonfly`,
        })
      ).items.find(s => s.metadata?.name === name);
    const dragonflyPhase = async () =>
      (await read('dragonflydb.io/v1alpha1', 'Dragonfly', name)).status?.phase;

    await eventually('a provisioning Dragonfly', async () =>
      (await dragonflyPhase()) === 'ResourcesCreated' ? true : undefined,
    );
    const provisioning = await statefulSet();
    expect(provisioning?.spec?.replicas).toBe(3);
    expect(provisioning?.status).toMatchObject({
      replicas: 1,
      observedGeneration: provisioning?.metadata?.generation,
    });
    // The apiserver drops a zero count (omitempty), as it stores the
    // StatefulSet controller's.
    expect(provisioning?.status?.readyReplicas ?? 0).toBe(0);
    expect(provisioning?.metadata?.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Dragonfly',
        name,
        uid: created.metadata?.uid,
      }),
    ]);

    await standIn.setPhase(`${namespace}/${name}`, 'healthy');
    await eventually('a Ready Dragonfly', async () =>
      (await dragonflyPhase()) === 'Ready' ? true : undefined,
    );
    // Written before the Dragonfly's phase: a reconcile it starts sees it.
    expect((await statefulSet())?.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
    });
  });

  it('reports a cluster the way its operator does, and moves it on when told', async () => {
    await standIn.setPhase(`${namespace}/pg-moving`, 'provisioning');
    await create('postgresql.cnpg.io/v1', 'Cluster', 'pg-moving');
    const provisioning = await eventually(
      'a provisioning Cluster',
      async () => {
        const cluster = await read(
          'postgresql.cnpg.io/v1',
          'Cluster',
          'pg-moving',
        );
        return cluster.status?.phase ? cluster : undefined;
      },
    );
    expect(provisioning.status).toMatchObject({
      phase: 'Setting up primary',
      readyInstances: 0,
    });

    await standIn.setPhase(`${namespace}/pg-moving`, 'healthy');
    const healthy = await eventually('a healthy Cluster', async () => {
      const cluster = await read(
        'postgresql.cnpg.io/v1',
        'Cluster',
        'pg-moving',
      );
      return cluster.status?.phase === 'Cluster in healthy state'
        ? cluster
        : undefined;
    });
    expect(healthy.status).toMatchObject({
      instances: 3,
      readyInstances: 3,
      writeService: 'pg-moving-rw',
    });

    // An on-demand backup completes, as a claim's final backup must.
    await create('postgresql.cnpg.io/v1', 'Backup', 'pg-moving-final');
    await eventually('a completed Backup', async () => {
      const backup = await read(
        'postgresql.cnpg.io/v1',
        'Backup',
        'pg-moving-final',
      );
      return backup.status?.phase === 'completed';
    });
    // Percona's too, with PBM's name for it, which a restore names.
    await create(
      'psmdb.percona.com/v1',
      'PerconaServerMongoDBBackup',
      'mongo-moving-final',
    );
    const percona = await eventually(
      'a ready PerconaServerMongoDBBackup',
      async () => {
        const backup = await read(
          'psmdb.percona.com/v1',
          'PerconaServerMongoDBBackup',
          'mongo-moving-final',
        );
        return backup.status?.state === 'ready' ? backup : undefined;
      },
    );
    expect(percona.status).toMatchObject({
      pbmName: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      start: expect.any(String),
      completed: expect.any(String),
    });
  });
});
