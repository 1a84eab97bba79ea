import { createHash } from 'node:crypto';
import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import {
  ENGINE_IDS,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import {
  Informer,
  ObjectApi,
  backoffDelay,
  describeError,
  isNotFound,
  makeApiClient,
  objectKey,
  sleep,
  type InformerEvent,
  type InformerLogFields,
  type InformerLogger,
} from '@internal/backstage-plugin-dbaas-node';

/**
 * How the stand-in reports an engine resource: as its operator reports a
 * healthy cluster (or a completed backup), one still being set up, or one that
 * failed. Vitess and Dragonfly have no failed state: `failed` holds them in
 * the state their operator shows while stuck, so the claim stays Provisioning.
 */
export type EnginePhase = 'healthy' | 'provisioning' | 'failed';

/** An engine resource as the stand-in reads it. */
type EngineObject = KubernetesObject & {
  metadata: KubernetesObject['metadata'] & {
    name: string;
    namespace: string;
    generation?: number;
  };
  spec?: Record<string, any>;
  status?: Record<string, unknown>;
};

type Status = Record<string, unknown>;

/** An object an engine operator makes for its resource, with the status it gets. */
type MadeObject = KubernetesObject & {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  status: Status;
  /** Kinds whose status schema has no `observedGeneration` (CloudNativePG's Backup) say so. */
  noObservedGeneration?: true;
};

/** A kind an engine operator owns the status of, and how it reports it. */
type PlayedKind = {
  engine: EngineId;
  apiVersion: string;
  kind: string;
  status(object: EngineObject, phase: EnginePhase, now: string): Status;
  /**
   * What the engine's operator makes for the object that the ServiceClaim
   * operator's status readers read, with the status Kubernetes would give it
   * (its `observedGeneration` is filled in when written).
   */
  made?(object: EngineObject, phase: EnginePhase): MadeObject[];
};

/** Options of {@link EngineOperatorStandIn}. */
export type EngineOperatorStandInOptions = {
  /** The PoP cluster whose engine resources get a status. */
  kubeConfig: KubeConfig;
  /** The engines to play; default every engine of the SKU catalog. */
  engines?: readonly EngineId[];
  /** Only resources in these namespaces; default every namespace. */
  namespaces?: readonly string[];
  /** How every resource is reported unless {@link EngineOperatorStandIn.setPhase} says otherwise; default `healthy`. */
  phase?: EnginePhase;
  /** Default: warnings and errors on stderr. */
  logger?: InformerLogger;
};

/** The field manager of the status the stand-in writes. */
export const STAND_IN_FIELD_MANAGER = 'engine-operator-stand-in';

const spec = (o: EngineObject): Record<string, any> => o.spec ?? {};
const generation = (o: EngineObject) => o.metadata.generation ?? 1;

/** A stable UUID for an object, as the engines' control planes give their resources one. */
function uuidOf(o: EngineObject, salt = ''): string {
  const hex = createHash('sha256')
    .update(`${o.metadata.uid ?? o.metadata.name}/${salt}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(
    13,
    16,
  )}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function condition(
  type: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  now: string,
  observedGeneration?: number,
) {
  return {
    type,
    status,
    reason,
    message,
    lastTransitionTime: now,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
}

const count = (n: unknown, fallback = 1) =>
  typeof n === 'number' && n >= 0 ? n : fallback;

// CloudNativePG (api/v1/cluster_types.go, backup_types.go): phase strings and
// the Ready and ContinuousArchiving conditions.
const cnpg = 'postgresql.cnpg.io/v1';
const cnpgCluster: PlayedKind = {
  engine: 'postgresql',
  apiVersion: cnpg,
  kind: 'Cluster',
  status(o, phase, now) {
    const { name } = o.metadata;
    const instances = count(spec(o).instances);
    const ready = phase === 'healthy' ? instances : 0;
    const names = Array.from(
      { length: instances },
      (_, i) => `${name}-${i + 1}`,
    );
    // WAL archiving through the Barman Cloud plugin (the renderer's only way).
    const archiving = (spec(o).plugins ?? []).some(
      (plugin: { isWALArchiver?: boolean }) => plugin.isWALArchiver,
    );
    return {
      phase: {
        healthy: 'Cluster in healthy state',
        provisioning: 'Setting up primary',
        failed: 'Unable to create required cluster objects',
      }[phase],
      ...(phase === 'failed'
        ? { phaseReason: 'the engine operator stand-in was told to fail' }
        : {}),
      instances,
      readyInstances: ready,
      instanceNames: names,
      latestGeneratedNode: instances,
      ...(phase === 'healthy'
        ? {
            currentPrimary: names[0],
            targetPrimary: names[0],
            currentPrimaryTimestamp: now,
            timelineID: 1,
          }
        : {}),
      writeService: `${name}-rw`,
      readService: `${name}-r`,
      selector: `cnpg.io/cluster=${name}`,
      conditions: [
        phase === 'healthy'
          ? condition(
              'Ready',
              'True',
              'ClusterIsReady',
              'Cluster is Ready',
              now,
            )
          : condition(
              'Ready',
              'False',
              'ClusterIsNotReady',
              'Cluster Is Not Ready',
              now,
            ),
        ...(archiving && phase === 'healthy'
          ? [
              condition(
                'ContinuousArchiving',
                'True',
                'ContinuousArchivingSuccess',
                'Continuous archiving is working',
                now,
              ),
            ]
          : []),
      ],
    };
  },
};
const cnpgBackup: PlayedKind = {
  engine: 'postgresql',
  apiVersion: cnpg,
  kind: 'Backup',
  status(o, phase, now) {
    const base = {
      method: spec(o).method ?? 'plugin',
      startedAt: now,
    };
    if (phase === 'provisioning') return { ...base, phase: 'running' };
    if (phase === 'failed') {
      return {
        ...base,
        phase: 'failed',
        stoppedAt: now,
        error: 'the engine operator stand-in was told to fail this backup',
      };
    }
    return {
      ...base,
      phase: 'completed',
      stoppedAt: now,
      backupId: now.replace(/[-:]/g, '').slice(0, 15),
      beginWal: '000000010000000000000002',
      endWal: '000000010000000000000002',
      online: true,
    };
  },
};
const cnpgScheduledBackup: PlayedKind = {
  engine: 'postgresql',
  apiVersion: cnpg,
  kind: 'ScheduledBackup',
  status: (o, phase, now) =>
    phase === 'failed'
      ? {
          lastCheckTime: now,
          error: 'the engine operator stand-in was told to fail',
        }
      : {
          lastCheckTime: now,
          ...(spec(o).immediate ? { lastScheduleTime: createdAt(o) } : {}),
        },
  // `immediate: true`: CloudNativePG takes a backup as soon as the schedule
  // exists (internal/controller/scheduledbackup_controller.go), a Backup
  // `<schedule>-<yyyyMMddHHmmss>` labelled with the cluster and the schedule
  // and owned by the schedule (backupOwnerReference: self). Played completed
  // at once, with times and Barman's id taken from when the schedule was
  // made, so every write gives the same backup.
  made(o, phase) {
    if (phase !== 'healthy' || !spec(o).immediate) return [];
    const { name, namespace, uid } = o.metadata;
    const {
      schedule: _schedule,
      immediate: _immediate,
      backupOwnerReference: _owner,
      suspend: _suspend,
      ...backupSpec
    } = spec(o);
    const started = createdAt(o);
    const stamp = started.replace(/[-:TZ]/g, '').slice(0, 14);
    return [
      {
        apiVersion: cnpg,
        kind: 'Backup',
        metadata: {
          name: `${name}-${stamp}`,
          namespace,
          labels: {
            'cnpg.io/cluster': backupSpec.cluster?.name ?? name,
            'cnpg.io/scheduled-backup': name,
            'cnpg.io/immediateBackup': 'true',
          },
          ...(uid
            ? {
                ownerReferences: [
                  {
                    apiVersion: cnpg,
                    kind: 'ScheduledBackup',
                    name,
                    uid,
                    controller: true,
                    blockOwnerDeletion: true,
                  },
                ],
              }
            : {}),
        },
        spec: backupSpec,
        status: cnpgBackup.status(o, 'healthy', started),
        noObservedGeneration: true,
      },
    ];
  },
};

/** When an object was made, as an RFC 3339 timestamp (now, for one never stored). */
function createdAt(o: EngineObject): string {
  const created = o.metadata.creationTimestamp;
  return timestamp(created ? new Date(created) : new Date());
}

// The YugabyteDB Anywhere operator: universeState and its task actions, and
// the YBA resource UUIDs of storage configs, schedules and backups.
const yb = 'operator.yugabyte.io/v1alpha1';
const ybUniverse: PlayedKind = {
  engine: 'yugabyte',
  apiVersion: yb,
  kind: 'YBUniverse',
  status(o, phase) {
    const task = {
      action_type: 'CREATE_UNIVERSE',
      taskUUID: uuidOf(o, 'create'),
      message: '',
    };
    if (phase === 'provisioning') {
      return {
        universeState: 'Creating',
        actions: [{ ...task, status: 'running' }],
      };
    }
    if (phase === 'failed') {
      return {
        universeState: 'Creating',
        actions: [
          {
            ...task,
            status: 'failed',
            message: 'the engine operator stand-in was told to fail',
          },
        ],
      };
    }
    return {
      universeState: 'Ready',
      resourceUUID: uuidOf(o),
      sqlEndpoints: [
        `yb-tserver-service.${o.metadata.namespace}.svc.cluster.local:5433`,
      ],
      ...(spec(o).enableYCQL
        ? {
            cqlEndpoints: [
              `yb-tserver-service.${o.metadata.namespace}.svc.cluster.local:9042`,
            ],
          }
        : {}),
      actions: [],
    };
  },
};
const ybStorageConfig: PlayedKind = {
  engine: 'yugabyte',
  apiVersion: yb,
  kind: 'StorageConfig',
  status: (o, phase) =>
    phase === 'failed'
      ? {
          success: false,
          message: 'the engine operator stand-in was told to fail',
        }
      : { success: true, resourceUUID: uuidOf(o) },
};
const ybBackupSchedule: PlayedKind = {
  engine: 'yugabyte',
  apiVersion: yb,
  kind: 'BackupSchedule',
  status: (o, phase, now) =>
    phase === 'healthy'
      ? { scheduleUUID: uuidOf(o), state: 'Active', nextBackupTime: now }
      : {},
};
const ybBackup: PlayedKind = {
  engine: 'yugabyte',
  apiVersion: yb,
  kind: 'Backup',
  status: (o, phase) =>
    phase === 'provisioning'
      ? { message: 'Waiting for YugabyteDB Anywhere' }
      : {
          resourceUUID: uuidOf(o),
          taskUUID: uuidOf(o, 'task'),
          message:
            phase === 'failed'
              ? 'the engine operator stand-in was told to fail'
              : 'Backup task submitted',
        },
};

// The Vitess operator: gateways per cell, shards and tablets per keyspace.
const vitessCluster: PlayedKind = {
  engine: 'vitess',
  apiVersion: 'planetscale.com/v2',
  kind: 'VitessCluster',
  status(o, phase) {
    const healthy = phase === 'healthy';
    const cells = (spec(o).cells ?? []) as { name: string }[];
    const keyspaces = (spec(o).keyspaces ?? []) as {
      name: string;
      partitionings?: {
        equal?: {
          parts?: number;
          shardTemplate?: { tabletPools?: { replicas?: number }[] };
        };
      }[];
    }[];
    const hash = createHash('sha256')
      .update(o.metadata.name)
      .digest('hex')
      .slice(0, 8);
    return {
      observedGeneration: generation(o),
      gatewayServiceName: `${o.metadata.name}-vtgate-${hash}`,
      cells: Object.fromEntries(
        cells.map(cell => [
          cell.name,
          { gatewayAvailable: healthy ? 'True' : 'False' },
        ]),
      ),
      keyspaces: Object.fromEntries(
        keyspaces.map(keyspace => {
          const equal = keyspace.partitionings?.[0]?.equal ?? {};
          const shards = count(equal.parts);
          const tablets =
            shards *
            (equal.shardTemplate?.tabletPools ?? []).reduce(
              (n, pool) => n + count(pool.replicas),
              0,
            );
          const ready = (n: number) => (healthy ? n : 0);
          return [
            keyspace.name,
            {
              cells: cells.map(cell => cell.name),
              desiredShards: shards,
              readyShards: ready(shards),
              updatedShards: ready(shards),
              desiredTablets: tablets,
              tablets: ready(tablets),
              readyTablets: ready(tablets),
              updatedTablets: ready(tablets),
            },
          ];
        }),
      ),
    };
  },
};

// The Scylla operator: member counts and the Available, Progressing and
// Degraded conditions; Scylla Manager's task ids.
const scyllaCluster: PlayedKind = {
  engine: 'scylla',
  apiVersion: 'scylla.scylladb.com/v1',
  kind: 'ScyllaCluster',
  status(o, phase, now) {
    const racks = (spec(o).datacenter?.racks ?? []) as { members?: number }[];
    const members = racks.reduce((n, rack) => n + count(rack.members, 0), 0);
    const ready = phase === 'healthy' ? members : 0;
    const gen = generation(o);
    const is = (value: boolean) => (value ? 'True' : 'False');
    return {
      observedGeneration: gen,
      members,
      readyMembers: ready,
      availableMembers: ready,
      conditions: [
        condition(
          'Available',
          is(phase === 'healthy'),
          phase === 'healthy' ? 'AsExpected' : 'MembersNotReady',
          phase === 'healthy' ? '' : `${ready} of ${members} members ready`,
          now,
          gen,
        ),
        condition(
          'Progressing',
          is(phase === 'provisioning'),
          phase === 'provisioning' ? 'RolloutInProgress' : 'AsExpected',
          '',
          now,
          gen,
        ),
        condition(
          'Degraded',
          is(phase === 'failed'),
          phase === 'failed' ? 'StandInFailed' : 'AsExpected',
          phase === 'failed'
            ? 'the engine operator stand-in was told to fail'
            : '',
          now,
          gen,
        ),
      ],
      ...(phase === 'healthy'
        ? {
            managerId: uuidOf(o, 'manager'),
            backups: ((spec(o).backups ?? []) as { name: string }[]).map(
              task => ({ name: task.name, id: uuidOf(o, task.name) }),
            ),
          }
        : {}),
    };
  },
};

// The Dragonfly operator: phase and isRollingUpdate, in the words its
// controller writes (dragonfly-operator v1.6.1 internal/controller/util.go;
// the lowercase ones in its type comments are not written any more), and the
// StatefulSet it makes, named after the Dragonfly, with its labels
// (internal/resources/resources.go GenerateDragonflyResources,
// generateResourceLabels), counted as the StatefulSet controller would: every
// pod made and ready when healthy, the first pod made and not ready otherwise.
const DRAGONFLY = { apiVersion: 'dragonflydb.io/v1alpha1', kind: 'Dragonfly' };
const dragonfly: PlayedKind = {
  engine: 'dragonfly',
  ...DRAGONFLY,
  status: (_o, phase) => ({
    phase: {
      healthy: 'Ready',
      provisioning: 'ResourcesCreated',
      failed: 'Configuring',
    }[phase],
    isRollingUpdate: false,
  }),
  made(o, phase) {
    const { name, namespace, uid } = o.metadata;
    const replicas = count(spec(o).replicas, 1);
    const selector = {
      app: name,
      'app.kubernetes.io/part-of': 'dragonfly',
      'app.kubernetes.io/name': 'dragonfly',
    };
    const made = phase === 'healthy' ? replicas : Math.min(1, replicas);
    const ready = phase === 'healthy' ? replicas : 0;
    return [
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: {
          name,
          namespace,
          labels: {
            ...spec(o).ownedObjectsMetadata?.labels,
            ...selector,
            'app.kubernetes.io/instance': name,
            'app.kubernetes.io/component': 'dragonfly',
            'app.kubernetes.io/managed-by': 'dragonfly-operator',
          },
          // As the operator sets it: no controller, so the garbage collector
          // removes it with the Dragonfly.
          ...(uid
            ? {
                ownerReferences: [{ ...DRAGONFLY, name, uid }],
              }
            : {}),
        },
        spec: {
          replicas,
          serviceName: name,
          selector: { matchLabels: selector },
          updateStrategy: { type: 'OnDelete' },
          template: {
            metadata: { labels: selector },
            spec: {
              containers: [
                {
                  name: 'dragonfly',
                  image:
                    spec(o).image ??
                    'docker.dragonflydb.io/dragonflydb/dragonfly',
                },
              ],
            },
          },
        },
        status: {
          replicas: made,
          readyReplicas: ready,
          availableReplicas: ready,
          currentReplicas: made,
          updatedReplicas: made,
        },
      },
    ];
  },
};

// The Aerospike operator: phase and one entry per pod it runs; the backup
// service's phase; the backup's echo of what it handed to the service.
const asdb = 'asdb.aerospike.com';
const aerospikeCluster: PlayedKind = {
  engine: 'aerospike',
  apiVersion: `${asdb}/v1`,
  kind: 'AerospikeCluster',
  status(o, phase) {
    const size = phase === 'healthy' ? count(spec(o).size) : 0;
    const image = String(spec(o).image ?? 'aerospike/aerospike-server');
    return {
      // A completed reconcile ends with AKO copying the spec into the status
      // (v4.5.0 internal/controller/cluster/reconciler.go, updateStatus).
      ...(phase === 'healthy'
        ? {
            size: spec(o).size,
            image: spec(o).image,
            aerospikeConfig: spec(o).aerospikeConfig,
          }
        : {}),
      phase: {
        healthy: 'Completed',
        provisioning: 'InProgress',
        failed: 'Error',
      }[phase],
      pods: Object.fromEntries(
        Array.from({ length: size }, (_, i) => [
          `${o.metadata.name}-0-${i}`,
          {
            podIP: `10.0.0.${i + 10}`,
            podPort: 3000,
            image,
            aerospikeConfigHash: uuidOf(o, 'config'),
            networkPolicyHash: uuidOf(o, 'network'),
            podSpecHash: uuidOf(o, 'pod'),
            aerospike: {
              clusterName: o.metadata.name,
              nodeID: `0a${i}`,
              rackID: 0,
            },
          },
        ]),
      ),
    };
  },
};
const aerospikeBackupService: PlayedKind = {
  engine: 'aerospike',
  apiVersion: `${asdb}/v1beta1`,
  kind: 'AerospikeBackupService',
  status: (o, phase) => ({
    phase: {
      healthy: 'Completed',
      provisioning: 'InProgress',
      failed: 'Error',
    }[phase],
    ...(spec(o).config ? { config: spec(o).config } : {}),
    ...(spec(o).image ? { image: spec(o).image } : {}),
    contextPath: '/',
    port: 8081,
  }),
};
const aerospikeBackup: PlayedKind = {
  engine: 'aerospike',
  apiVersion: `${asdb}/v1beta1`,
  kind: 'AerospikeBackup',
  status: (o, phase) => ({
    backupService: spec(o).backupService,
    config: spec(o).config ?? {},
    ...(phase === 'healthy' && spec(o).onDemandBackups
      ? { onDemandBackups: spec(o).onDemandBackups }
      : {}),
  }),
};

// The Percona Operator for MongoDB v1.22.0: the cluster's state with pod
// counts per replica set and for the routers, and its condition log
// (pkg/controller/perconaservermongodb/status.go updateStatus); each backup's
// and restore's state with PBM's name for it
// (pkg/controller/perconaservermongodbbackup/backup.go Status,
// perconaservermongodbrestore/logical.go).
const psmdb = 'psmdb.percona.com/v1';
const STAND_IN_FAILURE = 'the engine operator stand-in was told to fail';
const perconaServerMongoDB: PlayedKind = {
  engine: 'mongodb',
  apiVersion: psmdb,
  kind: 'PerconaServerMongoDB',
  status(o, phase, now) {
    const { name, namespace } = o.metadata;
    const log = (...types: string[]) =>
      types.map(type => ({ type, status: 'True', lastTransitionTime: now }));
    if (phase === 'failed') {
      // A reconcile that failed before any status was counted.
      return {
        state: 'error',
        message: `Error: ${STAND_IN_FAILURE}`,
        size: 0,
        ready: 0,
        conditions: [
          ...log('initializing'),
          condition('error', 'True', 'ErrorReconcile', STAND_IN_FAILURE, now),
        ],
      };
    }
    const healthy = phase === 'healthy';
    const sharding = spec(o).sharding ?? {};
    const sharded = Boolean(sharding.enabled);
    const groups = [
      ...((spec(o).replsets ?? []) as { name: string; size?: number }[]).map(
        rs => ({ name: rs.name, size: count(rs.size, 3), shard: sharded }),
      ),
      ...(sharded
        ? [
            {
              name: 'cfg',
              size: count(sharding.configsvrReplSet?.size, 3),
              shard: false,
            },
          ]
        : []),
    ];
    // Percona counts the router pods it finds: none until it starts them.
    const routers = healthy ? count(sharding.mongos?.size, 2) : 0;
    const size =
      groups.reduce((n, g) => n + g.size, 0) + (sharded ? routers : 0);
    const backups = Boolean(spec(o).backup?.enabled);
    const backupImage: string | undefined = spec(o).backup?.image;
    return {
      state: healthy ? 'ready' : 'initializing',
      ...(spec(o).image ? { mongoImage: spec(o).image } : {}),
      size,
      ready: healthy ? size : 0,
      replsets: Object.fromEntries(
        groups.map(g => [
          g.name,
          {
            size: g.size,
            ready: healthy ? g.size : 0,
            status: healthy ? 'ready' : 'initializing',
            ...(healthy
              ? {
                  initialized: true,
                  ...(g.shard ? { added_as_shard: true } : {}),
                }
              : {}),
          },
        ]),
      ),
      ...(sharded
        ? {
            mongos: {
              size: routers,
              ready: routers,
              status: healthy ? 'ready' : 'initializing',
            },
          }
        : {}),
      ...(healthy
        ? {
            host: `${name}-${
              sharded ? 'mongos' : groups[0]?.name ?? 'rs0'
            }.${namespace}.svc.cluster.local`,
          }
        : {}),
      // Percona asks the backup agent its version, and hashes PBM's config.
      ...(healthy && backups
        ? {
            ...(backupImage
              ? {
                  backupImage,
                  backupVersion: backupImage.split(':')[1] ?? 'unknown',
                }
              : {}),
            backupConfigHash: uuidOf(o, 'pbm'),
          }
        : {}),
      conditions: healthy
        ? [
            ...log('initializing', 'ready'),
            ...(backups
              ? [
                  {
                    type: 'PBMReady',
                    status: 'True',
                    reason: 'PBMConfigurationIsUpToDate',
                    lastTransitionTime: now,
                  },
                ]
              : []),
          ]
        : log('initializing'),
      observedGeneration: generation(o),
    };
  },
};
const perconaBackup: PlayedKind = {
  engine: 'mongodb',
  apiVersion: psmdb,
  kind: 'PerconaServerMongoDBBackup',
  status(o, phase, now) {
    // PBM names a backup after the time it is requested.
    const base = {
      type: spec(o).type ?? 'logical',
      ...(spec(o).storageName ? { storageName: spec(o).storageName } : {}),
      pbmName: now,
      start: now,
      lastTransition: now,
    };
    if (phase === 'provisioning') return { ...base, state: 'running' };
    if (phase === 'failed') {
      return {
        ...base,
        state: 'error',
        error: `${STAND_IN_FAILURE} this backup`,
      };
    }
    return { ...base, state: 'ready', completed: now, size: '1.50MB' };
  },
};
const perconaRestore: PlayedKind = {
  engine: 'mongodb',
  apiVersion: psmdb,
  kind: 'PerconaServerMongoDBRestore',
  status(_o, phase, now) {
    const base = { pbmName: now, lastTransition: now };
    if (phase === 'provisioning') return { ...base, state: 'running' };
    if (phase === 'failed') {
      return {
        ...base,
        state: 'error',
        error: `${STAND_IN_FAILURE} this restore`,
      };
    }
    return { ...base, state: 'ready', completed: now };
  },
};

/** Every kind whose status an engine operator writes for what the ServiceClaim operator renders. */
const PLAYED_KINDS: PlayedKind[] = [
  cnpgCluster,
  cnpgBackup,
  cnpgScheduledBackup,
  ybUniverse,
  ybStorageConfig,
  ybBackupSchedule,
  ybBackup,
  vitessCluster,
  scyllaCluster,
  dragonfly,
  aerospikeCluster,
  aerospikeBackupService,
  aerospikeBackup,
  perconaServerMongoDB,
  perconaBackup,
  perconaRestore,
];

/** The kinds whose status the stand-in writes, by engine. */
export const STAND_IN_KINDS: ReadonlyArray<{
  engine: EngineId;
  apiVersion: string;
  kind: string;
}> = PLAYED_KINDS.map(({ engine, apiVersion, kind }) => ({
  engine,
  apiVersion,
  kind,
}));

/** An RFC 3339 time in seconds, as Kubernetes writes metav1.Time. */
function timestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The status the stand-in writes for `object` (one of {@link STAND_IN_KINDS})
 * in `phase`; undefined for a kind it does not play.
 */
export function standInStatus(
  object: KubernetesObject,
  phase: EnginePhase,
  now = new Date(),
): Record<string, unknown> | undefined {
  const played = PLAYED_KINDS.find(
    k => k.apiVersion === object.apiVersion && k.kind === object.kind,
  );
  return played?.status(object as EngineObject, phase, timestamp(now));
}

/**
 * The objects the stand-in makes for `object` (one of {@link STAND_IN_KINDS})
 * in `phase`, as its engine's operator would, status included: what the
 * ServiceClaim operator's status readers read beside the engine resource.
 */
export function standInObjects(
  object: KubernetesObject,
  phase: EnginePhase,
): KubernetesObject[] {
  const played = PLAYED_KINDS.find(
    k => k.apiVersion === object.apiVersion && k.kind === object.kind,
  );
  return (played?.made?.(object as EngineObject, phase) ?? []).map(
    ({ noObservedGeneration, ...made }) => ({
      ...made,
      metadata: { ...made.metadata, generation: 1 },
      status: noObservedGeneration
        ? made.status
        : { ...made.status, observedGeneration: 1 },
    }),
  );
}

/** Logs warnings and errors to stderr, the rest nowhere. */
function stderrLogger(fields: InformerLogFields = {}): InformerLogger {
  const say = (level: string) => (message: string, more?: InformerLogFields) =>
    process.stderr.write(
      `${JSON.stringify({ level, message, ...fields, ...more })}\n`,
    );
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: say('warn'),
    error: say('error'),
    child: more => stderrLogger({ ...fields, ...more }),
  };
}

/**
 * A STAND-IN for the engine operators (CloudNativePG, YugabyteDB Anywhere,
 * Vitess, Scylla, Dragonfly, Aerospike, Percona Operator for MongoDB), which cannot run
 * where there is no container runtime. It does not run databases: it watches
 * the engine resources the ServiceClaim operator renders, in every namespace of
 * one PoP cluster, and writes each one's `status` subresource the way that
 * engine's operator reports it (following the status schema of the engine's
 * CRD in shared/crds), so that the ServiceClaim operator's status mapping sees
 * a healthy cluster, one being set up, or a failed one. It also completes
 * on-demand backups (CloudNativePG's `Backup` reaches `completed`, Percona's
 * `PerconaServerMongoDBBackup` `ready`), which is what a claim's deletion
 * waits for when it takes a final backup, and a restored MongoDB claim's
 * `PerconaServerMongoDBRestore`. It adds no finalizers, so a deleted engine
 * resource goes at once. Where the status readers also read what an engine
 * operator makes (the Dragonfly operator's StatefulSet), it makes that too,
 * with the status its controller would have, before the resource's status.
 *
 * The status is server-side applied to the status subresource with its own
 * field manager, so a field it stops reporting is removed.
 */
export class EngineOperatorStandIn {
  private readonly informers: Informer<EngineObject>[];
  private readonly kinds = new Map<string, PlayedKind>();
  private readonly api: CustomObjectsApi;
  private readonly objects: ObjectApi;
  private readonly logger: InformerLogger;
  private readonly phases = new Map<string, EnginePhase>();
  /** What was last written per object: uid, generation and phase. */
  private readonly written = new Map<string, string>();
  private readonly pending = new Map<string, Promise<void>>();
  private readonly plurals = new Map<string, Promise<string>>();
  private abort = new AbortController();
  private writes = 0;

  constructor(private readonly options: EngineOperatorStandInOptions) {
    const engines = new Set(options.engines ?? ENGINE_IDS);
    this.logger = options.logger ?? stderrLogger();
    this.api = makeApiClient(options.kubeConfig, CustomObjectsApi);
    this.objects = ObjectApi.fromKubeConfig(options.kubeConfig);
    this.informers = PLAYED_KINDS.filter(kind => engines.has(kind.engine)).map(
      played => {
        this.kinds.set(`${played.apiVersion}/${played.kind}`, played);
        return new Informer<EngineObject>({
          kubeConfig: options.kubeConfig,
          objects: this.objects,
          apiVersion: played.apiVersion,
          kind: played.kind,
          logger: this.logger,
          // A CRD installed after the start is looked for again soon.
          backoff: { initialMs: 500, maxMs: 5_000 },
          onEvent: event => this.onEvent(played, event),
        });
      },
    );
  }

  /** How many status writes it made; for benchmarks and logs. */
  get statusWrites(): number {
    return this.writes;
  }

  /** Starts watching; resolves once every kind has been listed. */
  async start(): Promise<void> {
    this.abort = new AbortController();
    this.informers.forEach(informer => informer.start());
    await Promise.all(
      this.informers.map(informer => informer.waitForSync(this.abort.signal)),
    );
  }

  /** Stops watching, and waits for the writes in flight. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.informers.map(informer => informer.stop()));
    await Promise.all(this.pending.values());
  }

  /**
   * Reports the engine resources named `namespace/name` (of any played kind:
   * the engine resource is named after the claim, its final backup
   * `<claim>-final`) as `phase` from now on, and writes it at once.
   */
  async setPhase(key: string, phase: EnginePhase): Promise<void> {
    this.phases.set(key, phase);
    await Promise.all(
      this.informers.map(async informer => {
        const object = informer.get(key);
        const played = this.kinds.get(
          `${informer.kindOf.apiVersion}/${informer.kindOf.kind}`,
        );
        if (object && played) await this.play(played, object);
      }),
    );
  }

  private phaseOf(object: EngineObject): EnginePhase {
    return (
      this.phases.get(objectKey(object)) ?? this.options.phase ?? 'healthy'
    );
  }

  private onEvent(played: PlayedKind, event: InformerEvent<EngineObject>) {
    const id = `${played.apiVersion}/${played.kind}/${objectKey(event.object)}`;
    if (event.type === 'DELETED') {
      this.written.delete(id);
      return;
    }
    void this.play(played, event.object);
  }

  /** Writes the object's status unless the same was written for its generation. */
  private play(played: PlayedKind, object: EngineObject): Promise<void> {
    const { namespaces } = this.options;
    if (namespaces && !namespaces.includes(object.metadata.namespace)) {
      return Promise.resolve();
    }
    if (object.metadata.deletionTimestamp) return Promise.resolve();
    const id = `${played.apiVersion}/${played.kind}/${objectKey(object)}`;
    const phase = this.phaseOf(object);
    const version = `${object.metadata.uid}/${generation(object)}/${phase}`;
    if (this.written.get(id) === version) return Promise.resolve();
    this.written.set(id, version);
    // One write at a time per object, in the order asked.
    const previous = this.pending.get(id) ?? Promise.resolve();
    const next = previous.then(() =>
      this.writeStatus(played, object, phase, id, version),
    );
    this.pending.set(id, next);
    void next.finally(() => {
      if (this.pending.get(id) === next) this.pending.delete(id);
    });
    return next;
  }

  private async writeStatus(
    played: PlayedKind,
    object: EngineObject,
    phase: EnginePhase,
    id: string,
    version: string,
  ): Promise<void> {
    const signal = this.abort.signal;
    for (let attempt = 1; !signal.aborted; attempt++) {
      // A newer generation or phase was queued meanwhile: that write wins.
      if (this.written.get(id) !== version) return;
      try {
        // First what the operator makes, so that the reconcile the
        // resource's status starts finds it.
        for (const made of played.made?.(object, phase) ?? []) {
          await this.applyMade(made);
        }
        await this.applyStatus(
          played,
          object.metadata,
          played.status(object, phase, timestamp(new Date())),
        );
        this.writes += 1;
        this.logger.info('status written', { object: id, phase });
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        const retryInMs = backoffDelay(attempt, {
          initialMs: 200,
          maxMs: 5_000,
        });
        this.logger.warn('status write failed; retrying', {
          object: id,
          error: describeError(error),
          retryInMs,
        });
        await sleep(retryInMs, signal);
      }
    }
  }

  /** Applies a made object, then its status for the generation it has. */
  private async applyMade({
    status,
    noObservedGeneration,
    ...made
  }: MadeObject): Promise<void> {
    const applied = await this.objects.patch(
      made,
      undefined,
      undefined,
      STAND_IN_FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
    await this.applyStatus(
      made,
      made.metadata,
      noObservedGeneration
        ? status
        : { ...status, observedGeneration: applied.metadata?.generation ?? 1 },
    );
  }

  private async applyStatus(
    kind: { apiVersion: string; kind: string },
    object: { name: string; namespace: string },
    status: Status,
  ): Promise<void> {
    // The custom objects client builds /apis/<group>/<version>/... paths,
    // which serve the status of any kind outside the core group.
    const [group, version] = kind.apiVersion.split('/');
    await this.api.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        plural: await this.pluralOf(kind),
        namespace: object.namespace,
        name: object.name,
        body: {
          apiVersion: kind.apiVersion,
          kind: kind.kind,
          metadata: { name: object.name, namespace: object.namespace },
          status,
        },
        fieldManager: STAND_IN_FIELD_MANAGER,
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
  }

  private pluralOf(kind: {
    apiVersion: string;
    kind: string;
  }): Promise<string> {
    const key = `${kind.apiVersion}/${kind.kind}`;
    let plural = this.plurals.get(key);
    if (!plural) {
      plural = this.objects
        .collectionPath(kind.apiVersion, kind.kind)
        .then(path => {
          if (!path) throw new Error(`${key} is not served`);
          return path.split('/').pop()!;
        });
      plural.catch(() => this.plurals.delete(key));
      this.plurals.set(key, plural);
    }
    return plural;
  }
}
