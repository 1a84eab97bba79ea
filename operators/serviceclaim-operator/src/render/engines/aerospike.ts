import {
  ENGINE_EXPORTER_SERIES,
  engineTls,
} from '@internal/backstage-plugin-dbaas-common';
import {
  BACKUP_CREDENTIALS_SECRET,
  BACKUP_SECRET_KEYS,
  backupTarget,
  cronWithSeconds,
  type BackupTarget,
  backupWiring,
  requestedBackupId,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
  tenantOf,
} from '../common';
import { nodeSelector, rackAffinity } from '../placement';
import { claimRegions, regionShare, remoteServiceHost } from '../regions';
import { containerResources } from '../sizes';
import {
  ADMIN_USER,
  DATABASE_USER,
  PASSWORD_KEY,
  adminSecret,
  credentialsSecret,
} from '../credentials';
import { HELPER_IMAGES, engineRelease } from '../images';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { BackupRequestPlan, EngineRenderer } from './engineRenderer';

const API = 'asdb.aerospike.com/v1';
const BACKUP_API = 'asdb.aerospike.com/v1beta1';
const CR_LABEL = 'aerospike.com/cr';
const RACK_LABEL = 'aerospike.com/rack-id';
/**
 * The Enterprise feature key (strong consistency and XDR are Enterprise
 * features), a Secret with `features.conf` the platform puts in each tenant
 * namespace.
 */
export const AEROSPIKE_FEATURE_KEY_SECRET = 'dbaas-aerospike-features';
/**
 * The platform's Secret, in each tenant namespace and with the same `password`
 * in every PoP, of the `xdr` user that every cluster of a multi-region claim
 * has and that XDR logs in to the other regions as. Each PoP generates its own
 * `<claim>-credentials`, so no per-claim password is the same in two PoPs;
 * this one is, because the platform puts it there (docs/engines.md, Aerospike).
 */
export const AEROSPIKE_XDR_SECRET = 'dbaas-aerospike-xdr';
/** The user XDR logs in to the other regions' clusters as. */
export const AEROSPIKE_XDR_USER = 'xdr';
/**
 * What `xdr` may do: write the records shipped to it (deletes included). No
 * reads, no administration.
 */
export const AEROSPIKE_XDR_ROLES = ['write'];
const SECRET_DIR = '/etc/aerospike/secret';
const ADMIN_CREDENTIALS_DIR = '/etc/aerospike/admin';
const XDR_CREDENTIALS_DIR = '/etc/aerospike/xdr';
/**
 * What the tenant's `app` user may do: read and write records and UDFs, manage
 * secondary indexes and UDF modules, truncate. Not `sys-admin` (the cluster's
 * configuration is the operator's) nor `user-admin` (with it `app` could change
 * `admin`'s password and lock the operator out, or mint users the spec does not
 * list). Enough for the exporter's statistics and the backup service's reads,
 * which log in as `app` too.
 */
export const AEROSPIKE_APP_ROLES = [
  'read-write-udf',
  'sindex-admin',
  'udf-admin',
  'truncate',
];
const DATA_DEVICE = '/aerospike/dev/data';
const BACKUP_CREDENTIALS_DIR = '/etc/aerospike-backup/credentials';

/**
 * The Aerospike namespace of a claim: the tenant's, as the issue asks (letters,
 * digits, `_` and `-`, at most 31 characters).
 */
export function aerospikeNamespace(claim: ClaimObject): string {
  return tenantOf(claim)
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .slice(0, 31);
}

function backupStorage(target: BackupTarget, ns: string) {
  const path = target.prefix ? `${target.prefix}/${ns}` : ns;
  return target.scheme === 's3'
    ? {
        's3-storage': {
          bucket: target.bucket,
          path,
          's3-region': target.region,
        },
      }
    : {
        'gcp-storage': {
          'bucket-name': target.bucket,
          path,
          'key-file': '/etc/aerospike-backup/object-storage/gcs.json',
        },
      };
}

/** The backup service and its routine, for S3 and GCS targets. */
function backupResources(
  claim: ClaimObject,
  target: BackupTarget,
  schedule: string,
): RenderedResource[] {
  const { name, namespace } = claim.metadata;
  const service = `${name}-backup`;
  // The backup service's own names must start with `<namespace>-<backup name>`.
  const prefix = `${namespace}-${service}`;
  const ns = aerospikeNamespace(claim);
  const requested = requestedBackupId(claim);
  const objectStorageMount =
    target.scheme === 's3'
      ? {
          name: 'object-storage',
          mountPath: '/home/absuser/.aws/credentials',
          subPath: BACKUP_SECRET_KEYS.awsCredentialsFile,
        }
      : {
          name: 'object-storage',
          mountPath: '/etc/aerospike-backup/object-storage/gcs.json',
          subPath: BACKUP_SECRET_KEYS.gcsCredentialsJson,
        };
  return [
    resource(
      claim,
      {
        apiVersion: BACKUP_API,
        kind: 'AerospikeBackupService',
        name: service,
        component: 'backup',
      },
      {
        spec: {
          image: HELPER_IMAGES.aerospikeBackupService,
          config: {
            service: { http: { port: 8080 } },
            'backup-policies': { [`${prefix}-policy`]: { parallel: 4 } },
            storage: { [`${prefix}-storage`]: backupStorage(target, ns) },
          },
          secrets: [
            {
              secretName: BACKUP_CREDENTIALS_SECRET,
              volumeMount: objectStorageMount,
            },
            {
              secretName: credentialsSecret(claim)!.name,
              volumeMount: {
                name: 'cluster-credentials',
                mountPath: BACKUP_CREDENTIALS_DIR,
              },
            },
          ],
          podSpec: {
            // Our labels admit it through the claim's NetworkPolicy to the nodes.
            metadata: { labels: podLabels(claim) },
            // AKO's default is `aerospike-backup-service`
            // (api/v1beta1/constant.go, AerospikeBackupServiceKey), which a tenant
            // namespace does not have; the service calls no Kubernetes API.
            serviceAccountName: 'default',
          },
          resources: containerResources({ cpu: '500m', memory: '1Gi' }),
          service: { type: 'ClusterIP' },
        },
      },
    ),
    resource(
      claim,
      {
        apiVersion: BACKUP_API,
        kind: 'AerospikeBackup',
        name: service,
        component: 'backup',
      },
      {
        spec: {
          backupService: { name: service, namespace },
          // The operator triggers an on-demand backup for an id it has not
          // run; keeping the id here while the claim names it runs it once.
          ...(requested
            ? {
                onDemandBackups: [
                  { id: requested, routineName: `${prefix}-routine` },
                ],
              }
            : {}),
          config: {
            'aerospike-cluster': {
              [`${prefix}-cluster`]: {
                credentials: {
                  user: DATABASE_USER.aerospike,
                  'password-path': `${BACKUP_CREDENTIALS_DIR}/${PASSWORD_KEY}`,
                },
                'seed-nodes': [
                  { 'host-name': `${name}.${namespace}.svc`, port: 3000 },
                ],
              },
            },
            'backup-routines': {
              [`${prefix}-routine`]: {
                'backup-policy': `${prefix}-policy`,
                // The backup service's cron has a leading seconds field.
                'interval-cron': cronWithSeconds(schedule),
                namespaces: [ns],
                'source-cluster': `${prefix}-cluster`,
                storage: `${prefix}-storage`,
              },
            },
          },
        },
      },
    ),
  ];
}

/**
 * An AerospikeCluster of `node.replicas` nodes over `topology.racks` racks with
 * one namespace, the tenant's, on raw block devices of `storage.size`, in strong
 * consistency when the claim asks. Every region of a global claim runs its own
 * cluster, shipping writes to the others with XDR (active-active). Backups are an
 * AerospikeBackupService with an AerospikeBackup routine, from the primary PoP.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name, namespace } = claim.metadata;
  const regions = claimRegions(spec);
  const [primary, ...others] = regions;
  const node = spec.resources.node;
  const size = regionShare(spec, node.replicas, ctx.pop);
  const racks = Math.min(spec.topology?.racks ?? 1, size);
  const ns = aerospikeNamespace(claim);
  const strongConsistency = spec.engineOptions?.strongConsistency ?? false;
  // AKO's webhook refuses a strong-consistency namespace with more copies than
  // the cluster has nodes (pkg/validation/validate.go,
  // validateNamespaceReplicationFactor); a PoP of a global claim may hold fewer
  // nodes than the claim's factor.
  const replicationFactor = strongConsistency
    ? Math.min(spec.replication.factor, size)
    : spec.replication.factor;
  const credentials = credentialsSecret(claim)!.name;
  const admin = adminSecret(claim)!.name;
  const target = backupTarget(claim, ctx);
  const storageClass = spec.storage.class ?? ctx.storageClass ?? 'standard';
  const notes: string[] = [];
  // No TLS: a claim cannot ask for it (engineTls in dbaas-common says why);
  // one committed before that rule runs, and is told.
  if (spec.networking?.tls?.enabled) {
    notes.push(
      `TLS is not served: ${
        (engineTls.aerospike as { reason: string }).reason
      }.`,
    );
  }
  if (target && target.scheme === 'azure') {
    notes.push(
      `Azure targets are not wired for the backup service: ${target.url}.`,
    );
  }
  if (target) {
    notes.push(
      "Backup retention is the bucket lifecycle rule's: the backup service keeps every backup.",
    );
  }
  if (replicationFactor < spec.replication.factor) {
    notes.push(
      `Replication factor ${replicationFactor}, not ${
        spec.replication.factor
      }: a strong-consistency namespace cannot keep more copies than its cluster has nodes (${size} here)${
        others.length ? '; XDR keeps a copy in each other region' : ''
      }.`,
    );
  }
  const persistent = (capacity: string, volumeMode: string) => ({
    persistentVolume: {
      storageClass,
      volumeMode,
      size: capacity,
      metadata: { labels: podLabels(claim) },
    },
  });

  const cluster = resource(
    claim,
    { apiVersion: API, kind: 'AerospikeCluster', name, component: 'database' },
    {
      spec: {
        size,
        image: `aerospike/aerospike-server-enterprise:${engineRelease(
          'aerospike',
          spec.version,
        )}`,
        rackConfig: {
          namespaces: [ns],
          racks: Array.from({ length: racks }, (_, i) => ({
            id: i + 1,
            podSpec: {
              affinity: rackAffinity(
                spec,
                { [CR_LABEL]: name },
                { key: RACK_LABEL, value: String(i + 1) },
                Math.ceil(size / racks),
              ),
            },
          })),
        },
        storage: {
          filesystemVolumePolicy: {
            initMethod: 'deleteFiles',
            cascadeDelete: true,
          },
          blockVolumePolicy: { initMethod: 'blkdiscard', cascadeDelete: true },
          volumes: [
            {
              name: 'workdir',
              aerospike: { path: '/opt/aerospike' },
              source: persistent('1Gi', 'Filesystem'),
            },
            {
              name: 'data',
              aerospike: { path: DATA_DEVICE },
              source: persistent(spec.storage.size, 'Block'),
            },
            {
              name: 'feature-key',
              aerospike: { path: SECRET_DIR },
              source: { secret: { secretName: AEROSPIKE_FEATURE_KEY_SECRET } },
            },
            {
              name: 'admin-credentials',
              aerospike: { path: ADMIN_CREDENTIALS_DIR },
              source: { secret: { secretName: admin } },
            },
            ...(others.length
              ? [
                  {
                    name: 'xdr-credentials',
                    aerospike: { path: XDR_CREDENTIALS_DIR },
                    source: { secret: { secretName: AEROSPIKE_XDR_SECRET } },
                  },
                ]
              : []),
          ],
        },
        // Nodes advertise their pod addresses, as the headless Service does:
        // AKO's default (the host's address and a NodePort Service per pod, with
        // multiPodPerHost) would send clients and the other regions' XDR to node
        // ports the claim's NetworkPolicy does not govern.
        aerospikeNetworkPolicy: {
          access: 'pod',
          alternateAccess: 'pod',
          tlsAccess: 'pod',
          tlsAlternateAccess: 'pod',
        },
        // AKO runs the pods as the ServiceAccount
        // `aerospike-operator-controller-manager`, a fixed name
        // (internal/controller/cluster/statefulset.go), bound to its ClusterRole
        // `aerospike-cluster`: the platform makes both per tenant namespace, a
        // claim cannot (docs/engines.md, Aerospike, platform prerequisites).
        podSpec: {
          metadata: { labels: podLabels(claim) },
          // Several pods per node, so the shared pool can hold them; spreading is
          // the racks' affinity above.
          multiPodPerHost: true,
          nodeSelector: nodeSelector(spec),
          aerospikeContainer: { resources: containerResources(node) },
          sidecars: [
            {
              name: 'exporter',
              image: HELPER_IMAGES.aerospikeExporter,
              ports: [{ name: 'exporter', containerPort: 9145 }],
              env: [
                { name: 'AS_AUTH_MODE', value: 'internal' },
                { name: 'AS_AUTH_USER', value: DATABASE_USER.aerospike },
                {
                  name: 'AS_AUTH_PASSWORD',
                  valueFrom: {
                    secretKeyRef: { name: credentials, key: PASSWORD_KEY },
                  },
                },
              ],
              resources: containerResources({ cpu: '100m', memory: '128Mi' }),
            },
          ],
        },
        aerospikeAccessControl: {
          users: [
            // The operator's: its webhook requires a user named `admin` with
            // these two roles, and the operator logs in as it. Its password is
            // the generated `<claim>-admin`, never the server's default.
            {
              name: ADMIN_USER.aerospike,
              secretName: admin,
              roles: ['sys-admin', 'user-admin'],
            },
            // The tenant's, named in the claim status.
            {
              name: DATABASE_USER.aerospike,
              secretName: credentials,
              roles: AEROSPIKE_APP_ROLES,
            },
            // The other regions' XDR, with the platform's password that is the
            // same in every PoP (a PoP's own Secrets are not).
            ...(others.length
              ? [
                  {
                    name: AEROSPIKE_XDR_USER,
                    secretName: AEROSPIKE_XDR_SECRET,
                    roles: AEROSPIKE_XDR_ROLES,
                  },
                ]
              : []),
          ],
        },
        aerospikeConfig: {
          service: {
            'feature-key-file': `${SECRET_DIR}/features.conf`,
            'proto-fd-max': 15000,
          },
          security: {
            // The server creates `admin` with this password on first start, so
            // `admin`/`admin` never answers, not even before the operator's
            // first access-control pass; the operator reads the same file's
            // Secret to log in until then.
            'default-password-file': `${ADMIN_CREDENTIALS_DIR}/${PASSWORD_KEY}`,
          },
          network: {
            service: { port: 3000 },
            fabric: { port: 3001 },
            heartbeat: { port: 3002 },
          },
          namespaces: [
            {
              name: ns,
              'replication-factor': replicationFactor,
              'strong-consistency': strongConsistency,
              'storage-engine': { type: 'device', devices: [DATA_DEVICE] },
            },
          ],
          ...(others.length
            ? {
                xdr: {
                  dcs: regions
                    .filter(r => r !== ctx.pop)
                    .map(r => ({
                      name: r,
                      'node-address-ports': [
                        `${remoteServiceHost(name, namespace, r)} 3000`,
                      ],
                      'auth-user': AEROSPIKE_XDR_USER,
                      'auth-password-file': `${XDR_CREDENTIALS_DIR}/${PASSWORD_KEY}`,
                      'auth-mode': 'internal',
                      namespaces: [{ name: ns }],
                    })),
                },
              }
            : {}),
        },
      },
    },
    {
      ...(others.length
        ? {
            [TOPOLOGY_ANNOTATION]: `Cluster ${ctx.pop} of ${regions.join(
              ', ',
            )}, shipping namespace ${ns} to the others with XDR; backups from ${primary}.`,
          }
        : {}),
      ...backupWiring(claim, target, {
        schedules: ctx.pop === primary,
        supported: target?.scheme !== 'azure',
      }),
      ...notesAnnotation(notes),
    },
  );

  return [
    cluster,
    ...(target &&
    target.scheme !== 'azure' &&
    ctx.pop === primary &&
    spec.backup.schedule
      ? backupResources(claim, target, spec.backup.schedule)
      : []),
  ];
}

/**
 * An on-demand backup is one of the AerospikeBackup routine's, asked for in
 * that resource's spec (see backupResources), so there is only something to
 * do where the routine is rendered.
 */
function backupRequest(
  claim: ClaimObject,
  ctx: RenderContext,
): BackupRequestPlan {
  const target = backupTarget(claim, ctx);
  if (!target || target.scheme === 'azure' || !claim.spec.backup.schedule) {
    return {
      kind: 'unavailable',
      reason:
        "Aerospike's on-demand backups run a backup routine of the backup service, which exists only with an S3 or GCS backup destination and a schedule.",
    };
  }
  return { kind: 'rendered' };
}

/** Aerospike on the Aerospike Kubernetes Operator. */
export const aerospike: EngineRenderer = {
  render,
  backupRequest,
  podSelector: claim => ({ [CR_LABEL]: claim.metadata.name }),
  clientPorts: [3000],
  // XDR ships records to the other regions' nodes on their service port.
  peerPorts: [3000],
  metrics: {
    selector: claim => ({ [CR_LABEL]: claim.metadata.name }),
    port: 9145,
    path: '/metrics',
    series: ENGINE_EXPORTER_SERIES.aerospike,
  },
};
