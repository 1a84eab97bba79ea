import {
  BACKUP_CREDENTIALS_SECRET,
  onDemandBackups,
  azureBlobUrl,
  backupTarget,
  backupWiring,
  backupsKept,
  restoreSourceTarget,
  type BackupTarget,
  type Restore,
} from '../backup';
import {
  ENGINE_EXPORTER_SERIES,
  backupRetention,
  toGi,
} from '@internal/backstage-plugin-dbaas-common';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { nodeSelector, topologySpread } from '../placement';
import { claimRegions } from '../regions';
import { containerResources } from '../sizes';
import {
  DATABASE_USER,
  PASSWORD_KEY,
  credentialsSecret,
  mongodbSystemUsersSecret,
} from '../credentials';
import { HELPER_IMAGES, engineRelease } from '../images';
import { certificateSource } from '../tls';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';

/**
 * MongoDB runs on the Percona Operator for MongoDB v1.22.0 (Apache-2.0): replica
 * sets and sharded clusters (mongos, config servers), with Percona Backup for
 * MongoDB (PBM) for scheduled, on-demand and final backups, oplog archiving for
 * point-in-time recovery, and restores into a new cluster. Everything below is
 * read from its source at that tag (pkg/apis/psmdb/v1, pkg/controller) and run
 * against the real operator in src/render/engines/mongodb.psmdb.test.ts.
 */
const API = 'psmdb.percona.com/v1';
/** The operator release our resources are written for (spec.crVersion). */
export const PERCONA_CR_VERSION = '1.22.0';

/** The database the claim's user may read and write. */
export const MONGODB_DATABASE = 'app';
/** The exporter sidecar's port (percona/mongodb_exporter's default). */
const METRICS_PORT = 9216;
/** The one backup storage of a claim, named in its tasks, backups and restores. */
export const BACKUP_STORAGE = 'claim';
/** The PBM task that runs the claim's schedule. */
export const BACKUP_TASK = 'daily';
/**
 * How often PBM closes an oplog slice for point-in-time recovery, in minutes:
 * the same five minutes the portal's restore window keeps clear of "now"
 * (RESTORE_ARCHIVE_LAG_MS in dbaas-common), so a moment the portal accepts is
 * in a saved slice.
 */
const OPLOG_SPAN_MINUTES = 5;

/** The config server replica set's and the routers' fixed names (pkg/naming). */
const CONFIG_REPLSET = 'cfg';

/**
 * The Secret of the cluster's system users (backup, cluster admin, monitor,
 * ...), which the ServiceClaim operator generates with the claim's other
 * Secrets (credentials.ts). The tenant never reads it: their user is `app`
 * from the claim's credentials Secret.
 */
export function systemUsersSecret(claim: ClaimObject): string {
  return mongodbSystemUsersSecret(claim)!.name;
}

/** The replica sets holding the claim's data: rs0, or one per shard. */
export function dataReplsets(claim: ClaimObject): string[] {
  const { topology } = claim.spec;
  const shards = topology?.mode === 'sharded' ? topology.shards ?? 1 : 1;
  return Array.from({ length: shards }, (_, i) => `rs${i}`);
}

/** Whether the claim runs as a sharded cluster (mongos and config servers). */
export function isSharded(claim: ClaimObject): boolean {
  return claim.spec.topology?.mode === 'sharded';
}

/** Labels the operator puts on every pod of the cluster (naming.ClusterLabels). */
function clusterPods(claim: ClaimObject): Record<string, string> {
  return {
    'app.kubernetes.io/name': 'percona-server-mongodb',
    'app.kubernetes.io/instance': claim.metadata.name,
  };
}

/** The data-bearing mongod pods of every shard (naming.MongodLabels). */
function mongodPods(claim: ClaimObject): Record<string, string> {
  return { ...clusterPods(claim), 'app.kubernetes.io/component': 'mongod' };
}

/** What clients connect to: the routers of a sharded cluster, else the members. */
function clientPods(claim: ClaimObject): Record<string, string> {
  return isSharded(claim)
    ? { ...clusterPods(claim), 'app.kubernetes.io/component': 'mongos' }
    : mongodPods(claim);
}

/**
 * A replica set size the operator refuses unless told it is meant: fewer than
 * two members or an even number (psmdb_defaults.go, ReplsetSpec.checkSafeDefaults).
 */
function unsafeSize(members: number): boolean {
  return members < 3 || members % 2 === 0;
}

/** A size in GiB as a quantity, in Gi when whole. */
function gi(amount: number): string {
  return Number.isInteger(amount)
    ? `${amount}Gi`
    : `${Math.ceil(amount * 1024)}Mi`;
}

function volumeSpec(claim: ClaimObject, size: string) {
  const { storage } = claim.spec;
  return {
    persistentVolumeClaim: {
      ...(storage.class ? { storageClassName: storage.class } : {}),
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
    },
  };
}

/**
 * Placement and pod labels of one group of pods (a replica set, the config
 * servers, the routers). The operator's default is a required anti-affinity
 * per host, which a small PoP cannot always meet: `none` turns it off, and our
 * spread constraints (zones when multi-AZ, hosts preferred) take its place.
 */
function podPlacement(
  claim: ClaimObject,
  matchLabels: Record<string, string>,
  size: number,
) {
  return {
    affinity: { antiAffinityTopologyKey: 'none' },
    nodeSelector: nodeSelector(claim.spec),
    ...topologySpread(claim.spec, matchLabels, size),
    labels: podLabels(claim),
    // At most one member of a replica set down at a time (the operator's
    // default, spelled out so a drain cannot take a majority).
    podDisruptionBudget: { maxUnavailable: 1 },
  };
}

/**
 * The Prometheus exporter beside each data member (Percona's PMM client is a
 * platform product of its own; the exporter is what it embeds). It logs in as
 * the operator's cluster monitor user, over localhost.
 */
function exporterSidecar(claim: ClaimObject, tls: boolean) {
  const secret = systemUsersSecret(claim);
  const fromSecret = (key: string) => ({
    valueFrom: { secretKeyRef: { name: secret, key } },
  });
  return {
    name: 'metrics',
    image: HELPER_IMAGES.mongodbExporter,
    args: [
      `--mongodb.uri=mongodb://127.0.0.1:27017/admin${
        // The server certificate names the Services, not 127.0.0.1.
        tls ? '?tls=true&tlsInsecure=true' : ''
      }`,
      `--web.listen-address=:${METRICS_PORT}`,
      '--collector.diagnosticdata',
    ],
    env: [
      { name: 'MONGODB_USER', ...fromSecret('MONGODB_CLUSTER_MONITOR_USER') },
      {
        name: 'MONGODB_PASSWORD',
        ...fromSecret('MONGODB_CLUSTER_MONITOR_PASSWORD'),
      },
    ],
    ports: [{ name: 'metrics', containerPort: METRICS_PORT }],
    resources: {
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '200m', memory: '256Mi' },
    },
  };
}

/**
 * A PBM storage for a backup target. S3 takes the platform's AWS keys; GCS and
 * Azure Blob want keys of their own names in the same Secret
 * (pkg/psmdb/backup/pbm.go: GCS_CLIENT_EMAIL/GCS_PRIVATE_KEY,
 * AZURE_STORAGE_ACCOUNT_NAME/AZURE_STORAGE_ACCOUNT_KEY), listed in
 * docs/engines.md.
 */
export function pbmStorage(target: BackupTarget) {
  const secret = BACKUP_CREDENTIALS_SECRET;
  switch (target.scheme) {
    case 's3':
      return {
        type: 's3',
        s3: {
          bucket: target.bucket,
          ...(target.prefix ? { prefix: target.prefix } : {}),
          region: target.region,
          credentialsSecret: secret,
        },
      };
    case 'gs':
      return {
        type: 'gcs',
        gcs: {
          bucket: target.bucket,
          ...(target.prefix ? { prefix: target.prefix } : {}),
          credentialsSecret: secret,
        },
      };
    default:
      return {
        type: 'azure',
        azure: {
          container: target.bucket,
          ...(target.prefix ? { prefix: target.prefix } : {}),
          endpointUrl: azureBlobUrl({ ...target, prefix: '' }),
          credentialsSecret: secret,
        },
      };
  }
}

/**
 * The claim's backups: PBM agents beside every member, one storage, the
 * claim's schedule as a task keeping as many backups as its retention spans
 * (PBM counts backups; deleted from the storage too), and the oplog archived
 * for point-in-time recovery. Logical backups: a restore can then take the
 * tenant's database alone (see restoreOf).
 */
function backupSpec(claim: ClaimObject, target: BackupTarget | undefined) {
  const { backup } = claim.spec;
  // The CRD wants the agents' image even with backups off.
  const image = HELPER_IMAGES.perconaBackupMongodb;
  if (!target) return { enabled: false, image };
  const retention = backupRetention({ backup });
  const schedule = backup.schedule ?? '0 2 * * *';
  return {
    enabled: true,
    image,
    storages: { [BACKUP_STORAGE]: { main: true, ...pbmStorage(target) } },
    pitr: {
      enabled: true,
      oplogSpanMin: OPLOG_SPAN_MINUTES,
      compressionType: 'gzip',
    },
    tasks: [
      {
        name: BACKUP_TASK,
        enabled: true,
        schedule,
        type: 'logical',
        storageName: BACKUP_STORAGE,
        compressionType: 'gzip',
        retention: {
          type: 'count',
          count: backupsKept(schedule, retention),
          deleteFromStorage: true,
        },
      },
    ],
  };
}

/** A PITR moment as PBM's restore takes it: UTC, to the second. */
export function pitrDate(pointInTime: string): string {
  const time = new Date(pointInTime);
  if (Number.isNaN(time.getTime())) {
    // The claim's schema lets none through.
    throw new Error(
      `spec.restore.pointInTime ${pointInTime} is not an RFC 3339 timestamp`,
    );
  }
  return time.toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The restore of a restored claim: the source's PBM backup, read from the
 * source's storage (the new cluster's own backups go to its own place), into
 * this cluster: applied once Percona has seen the cluster (`awaits`), then
 * run by Percona once the cluster is ready (its restore controller waits).
 * Selective, the tenant's database only: a full restore would also bring back
 * the source's users, whose passwords are the source's Secrets', and the
 * operator could no longer log in to the new cluster.
 */
function restoreOf(
  claim: ClaimObject,
  ctx: RenderContext,
  restore: Restore,
): RenderedResource {
  const source = restoreSourceTarget(claim, ctx, restore);
  const storage = pbmStorage(source);
  const destination =
    source.scheme === 'azure'
      ? `azure://${source.bucket}/${source.prefix ? `${source.prefix}/` : ''}${
          restore.backup
        }`
      : `${source.url}/${restore.backup}`;
  const { type: _type, ...location } = storage;
  return resource(
    claim,
    {
      apiVersion: API,
      kind: 'PerconaServerMongoDBRestore',
      name: `${claim.metadata.name}-restore`,
      component: 'restore',
    },
    {
      spec: {
        clusterName: claim.metadata.name,
        backupSource: { type: 'logical', destination, ...location },
        selective: {
          namespaces: [`${MONGODB_DATABASE}.*`],
          withUsersAndRoles: false,
        },
        ...(restore.pointInTime
          ? { pitr: { type: 'date', date: pitrDate(restore.pointInTime) } }
          : {}),
      },
    },
  );
}

/**
 * A PerconaServerMongoDB in the claim's primary PoP: one replica set `rs0`, or
 * for a sharded claim one replica set per shard behind `mongos` routers with a
 * three-member config server replica set. The other regions of a claim run
 * nothing: the operator's cross-site replication needs each PoP's members
 * exposed to the others, which the platform does not do yet.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name } = claim.metadata;
  const [primary, ...others] = claimRegions(spec);
  if (ctx.pop !== primary) return [];
  const sharded = isSharded(claim);
  const mongod = spec.resources.mongod;
  const replsets = dataReplsets(claim);
  const credentials = credentialsSecret(claim)!.name;
  const notes: string[] = [];
  if (others.length) {
    notes.push(
      `The cluster runs in ${primary} only: nothing runs in ${others.join(
        ', ',
      )}.`,
    );
  }
  // TLS: from the Secret the claim names, or from the PoP's ClusterIssuer
  // through the operator itself (tls.issuerConf: it makes the Certificates
  // for every replica set, config server and router name, owned by the
  // cluster, and waits for them before it starts a member).
  const certificate = certificateSource(claim, ctx);
  const tls = certificate.kind !== 'off';
  const target = backupTarget(claim, ctx);
  const storage = gi(toGi(spec.storage.size));
  // Routers and config servers as the claim sizes them; claims written
  // without them get the SKU's defaults: two routers, three config servers.
  const small = (role: 'mongos' | 'configsvr') =>
    spec.resources[role] ?? {
      cpu: mongod.cpu,
      memory: mongod.memory,
      replicas: role === 'mongos' ? 2 : 3,
    };

  const configServers = small('configsvr');
  const routers = small('mongos');
  const cluster = resource(
    claim,
    {
      apiVersion: API,
      kind: 'PerconaServerMongoDB',
      name,
      component: 'database',
    },
    {
      spec: {
        crVersion: PERCONA_CR_VERSION,
        image: `percona/percona-server-mongodb:${engineRelease(
          'mongodb',
          spec.version,
        )}`,
        // No version service: the image is the one pinned above.
        upgradeOptions: { apply: 'disabled' },
        // Fewer than three or an even number of members (the shared plan's
        // one), a single router, TLS off: the claim's choice, which the
        // operator wants said (CheckNSetDefaults in psmdb_defaults.go).
        unsafeFlags: {
          ...(unsafeSize(mongod.replicas) ||
          (sharded && unsafeSize(configServers.replicas))
            ? { replsetSize: true }
            : {}),
          ...(sharded && routers.replicas < 2 ? { mongosSize: true } : {}),
          ...(tls ? {} : { tls: true }),
        },
        tls: {
          mode: tls ? 'requireTLS' : 'disabled',
          ...(certificate.kind === 'issuer'
            ? { issuerConf: certificate.issuerRef }
            : {}),
        },
        secrets: {
          users: systemUsersSecret(claim),
          ...(certificate.kind === 'secret'
            ? { ssl: certificate.secretName }
            : {}),
        },
        users: [
          {
            name: DATABASE_USER.mongodb,
            // Defined in the database it uses, so clients authenticate against
            // the database they name (no authSource needed).
            db: MONGODB_DATABASE,
            passwordSecretRef: { name: credentials, key: PASSWORD_KEY },
            roles: [
              { name: 'readWrite', db: MONGODB_DATABASE },
              { name: 'dbAdmin', db: MONGODB_DATABASE },
            ],
          },
        ],
        replsets: replsets.map(replset => ({
          name: replset,
          size: mongod.replicas,
          resources: containerResources(mongod),
          volumeSpec: volumeSpec(claim, storage),
          ...podPlacement(
            claim,
            {
              ...mongodPods(claim),
              'app.kubernetes.io/replset': replset,
            },
            mongod.replicas,
          ),
          sidecars: [exporterSidecar(claim, tls)],
        })),
        sharding: sharded
          ? {
              enabled: true,
              configsvrReplSet: {
                size: configServers.replicas,
                resources: containerResources(configServers),
                volumeSpec: volumeSpec(claim, '10Gi'),
                ...podPlacement(
                  claim,
                  {
                    ...clusterPods(claim),
                    'app.kubernetes.io/replset': CONFIG_REPLSET,
                  },
                  configServers.replicas,
                ),
              },
              mongos: {
                size: routers.replicas,
                resources: containerResources(routers),
                ...podPlacement(claim, clientPods(claim), routers.replicas),
              },
            }
          : { enabled: false },
        backup: backupSpec(claim, target),
      },
    },
    {
      ...(others.length
        ? {
            [TOPOLOGY_ANNOTATION]: `Cluster in ${primary} only; ${others.join(
              ', ',
            )} run nothing for this claim.`,
          }
        : {}),
      ...backupWiring(claim, target, { schedules: true }),
      ...notesAnnotation(notes),
    },
  );
  const restore = spec.restore && {
    ...restoreOf(claim, ctx, spec.restore),
    awaits: { kind: cluster.kind, name: cluster.metadata.name },
  };
  return [cluster, ...(restore ? [restore] : [])];
}

/** A PBM backup of the claim's cluster to its storage (final and manual ones). */
function backupObject(claim: ClaimObject, name: string): RenderedResource {
  return resource(
    claim,
    {
      apiVersion: API,
      kind: 'PerconaServerMongoDBBackup',
      name,
      component: 'backup',
    },
    {
      spec: {
        clusterName: claim.metadata.name,
        storageName: BACKUP_STORAGE,
        type: 'logical',
        compressionType: 'gzip',
      },
    },
  );
}

/** MongoDB on the Percona Operator for MongoDB. */
export const mongodb: EngineRenderer = {
  render,
  ...onDemandBackups(backupObject),
  runsHere: (claim, ctx) => ctx.pop === claim.spec.region,
  podSelector: clusterPods,
  clientPodSelector: clientPods,
  clientPorts: [27017],
  metrics: {
    selector: mongodPods,
    port: METRICS_PORT,
    path: '/metrics',
    series: ENGINE_EXPORTER_SERIES.mongodb,
  },
};
