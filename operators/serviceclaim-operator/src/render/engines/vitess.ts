import { ENGINE_EXPORTER_SERIES } from '@internal/backstage-plugin-dbaas-common';
import {
  BACKUP_CREDENTIALS_SECRET,
  BACKUP_SECRET_KEYS,
  backupTarget,
  type BackupTarget,
  backupWiring,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { nodeAffinity, topologySpread } from '../placement';
import { claimRegions, regionShare, remoteServiceHost } from '../regions';
import { containerResources } from '../sizes';
import {
  VITESS_INIT_DB_KEY,
  VITESS_USERS_KEY,
  credentialsSecret,
} from '../credentials';
import { HELPER_IMAGES, engineRelease } from '../images';
import { serverCertificate } from '../tls';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';

const API = 'planetscale.com/v2';
/** The keyspace, and so the database name clients see. */
export const VITESS_KEYSPACE = 'app';
const BACKUP_LOCATION = 'object-storage';
/** Where every PoP's share of a global claim finds the shared topology (etcd). */
// The platform runs one etcd cluster with members in every PoP and serves it in
// each PoP under this name (docs/engines.md).
const GLOBAL_TOPOLOGY = 'vitess-global-topo.dbaas-system.svc:2379';

/**
 * The Vitess image of a release, in its MySQL 8.0 flavour: vitess/lite tags of
 * v20 and later come as `<release>` (whatever MySQL the release defaults to)
 * and `<release>-mysql80`, `-mysql84`, ... (vitessio/vitess
 * .github/workflows/docker_build_images.yml). The flavour carries mysqld and
 * Percona XtraBackup beside the Vitess binaries, which the mysqld container
 * and every vtbackup Pod need (see the images below).
 */
export function vitessImage(version: string): string {
  return `vitess/lite:${engineRelease('vitess', version)}-mysql80`;
}

/**
 * How long a scheduled vtbackup Job may run before the Vitess operator deletes
 * it. Its `jobTimeoutMinute` defaults to 10 (vitess-operator v2.17.0
 * pkg/apis/planetscale/v2/vitessbackupschedule_types.go), far too short for a
 * Job that restores the latest backup into a mysqld of its own, catches up on
 * replication and uploads a new one. The default concurrency policy (Forbid)
 * already skips runs while one is going, so the timeout only has to catch a
 * stuck Job.
 */
export const VITESS_BACKUP_JOB_TIMEOUT_MINUTES = 24 * 60;

/**
 * The topology records a federated cell's operator must leave alone: each
 * operator sees only its own PoP's cells, so pruning (and the cells alias it
 * would rewrite to its own cells) would delete the other PoPs' records
 * (vitess-operator v2.17.0 docs/architecture/federation.md, "Topology
 * Reconciliation"; pkg/operator/vitesstopo/prune_cells.go). Shard cells and
 * tablets stay pruned: the operator prunes only those of its own cells there.
 */
export const FEDERATED_TOPOLOGY_RECONCILIATION = {
  registerCellsAliases: false,
  pruneCells: false,
  pruneKeyspaces: false,
  pruneSrvKeyspaces: false,
  pruneShards: false,
} as const;

/** The Vitess operator's labels on the claim's pods. */
function clusterPods(claim: ClaimObject, component?: string) {
  return {
    'planetscale.com/cluster': claim.metadata.name,
    ...(component ? { 'planetscale.com/component': component } : {}),
  };
}

function location(target: BackupTarget) {
  const ref = (key: string) => ({ name: BACKUP_CREDENTIALS_SECRET, key });
  const keyPrefix = target.prefix ? { keyPrefix: target.prefix } : {};
  switch (target.scheme) {
    case 's3':
      return {
        name: BACKUP_LOCATION,
        s3: {
          bucket: target.bucket,
          region: target.region,
          ...keyPrefix,
          authSecret: ref(BACKUP_SECRET_KEYS.awsCredentialsFile),
        },
      };
    case 'gs':
      return {
        name: BACKUP_LOCATION,
        gcs: {
          bucket: target.bucket,
          ...keyPrefix,
          authSecret: ref(BACKUP_SECRET_KEYS.gcsCredentialsJson),
        },
      };
    default:
      return {
        name: BACKUP_LOCATION,
        azblob: {
          account: target.account,
          container: target.bucket,
          ...keyPrefix,
          authSecret: ref(BACKUP_SECRET_KEYS.azureStorageKey),
        },
      };
  }
}

/**
 * A VitessCluster with one cell, named after this PoP: a keyspace of
 * `topology.shards` equal shards, each with `vttablet.replicas` replica-type
 * tablets, and `vtgate.replicas` gateways. Global claims federate one
 * VitessCluster per PoP through a shared global topology (the Vitess operator's
 * federation model): every PoP's cluster has its own cell and tablets, and the
 * tablets of all cells together form each shard's replication set. Only the
 * primary PoP's operator initialises replication and takes the first backup,
 * and only it schedules backups; every PoP restores from them, and no PoP's
 * operator prunes topology records it cannot see the whole of.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name, namespace } = claim.metadata;
  const [primary, ...others] = claimRegions(spec);
  const federated = others.length > 0;
  const vttablet = spec.resources.vttablet;
  const vtgate = spec.resources.vtgate;
  // Replica counts are the claim's, over all its cells.
  const gateways = regionShare(spec, vtgate.replicas, ctx.pop);
  const tablets = regionShare(spec, vttablet.replicas, ctx.pop);
  const shards = spec.topology?.shards ?? 1;
  const target = backupTarget(claim, ctx);
  const image = vitessImage(spec.version);
  const labels = podLabels(claim);
  // Replication is set up, and the shard's first backup taken, by one operator
  // only: the primary PoP's (federation.md, "Replication Management").
  const initializes = ctx.pop === primary;
  const notes: string[] = [];
  // vtgate's Service name carries a hash the operator makes: any name of the
  // tenant's namespace, here and through the inter-PoP zone.
  const certificate = serverCertificate(claim, ctx, [
    `*.${namespace}.svc`,
    `*.${namespace}.svc.cluster.local`,
    remoteServiceHost(`*`, namespace, ctx.pop),
  ]);
  if (spec.plan === 'dedicated' && federated) {
    notes.push(
      'Vitess has no asynchronous cross-region replica of its own: the other regions get federated cells, as on the global plan.',
    );
  }
  if (target && spec.backup.retention && ctx.pop === primary) {
    notes.push(
      `The Vitess operator keeps every scheduled backup (its vtbackup runs with min_retention_time=0): the ${spec.backup.retention} retention is the backup bucket's lifecycle rule.`,
    );
  }
  const credentials = credentialsSecret(claim)!.name;
  const small = { cpu: '250m', memory: '256Mi' };

  const cluster = resource(
    claim,
    { apiVersion: API, kind: 'VitessCluster', name, component: 'database' },
    {
      spec: {
        // One image for all: vtbackup Pods run in the mysqld image with only
        // the vtbackup binary copied in from the vtbackup image
        // (vitess-operator v2.17.0 pkg/operator/vttablet/vtbackup_pod.go), so
        // the mysqld image must carry XtraBackup, which the MySQL project's own
        // image does not; and vttablet detects the MySQL version from its own
        // image's mysqld, which must match the mysqld container's
        // (pkg/apis/planetscale/v2/defaults.go).
        images: {
          vtctld: image,
          vtgate: image,
          vttablet: image,
          vtorc: image,
          vtbackup: image,
          mysqld: { mysql80Compatible: image },
          mysqldExporter: HELPER_IMAGES.mysqldExporter,
        },
        globalLockserver: federated
          ? {
              external: {
                implementation: 'etcd2',
                address: GLOBAL_TOPOLOGY,
                rootPath: `/vitess/${namespace}/${name}/global`,
              },
            }
          : {
              etcd: { extraLabels: labels, createPDB: spec.plan !== 'shared' },
            },
        cells: [
          {
            name: ctx.pop,
            // Without a lockserver of its own a cell keeps its records in the
            // global one under /vitess/<cluster>/local/<cell>
            // (pkg/operator/lockserver/params.go): on the platform's shared
            // etcd that path would be shared by every tenant's claim of the
            // same name, so it is namespaced like the global root.
            ...(federated
              ? {
                  lockserver: {
                    external: {
                      implementation: 'etcd2',
                      address: GLOBAL_TOPOLOGY,
                      rootPath: `/vitess/${namespace}/${name}/local/${ctx.pop}`,
                    },
                  },
                }
              : {}),
            gateway: {
              replicas: gateways,
              // vtgate watches the cells of its own VitessCluster only
              // (pkg/operator/vtgate/deployment.go, cells_to_watch): a
              // federated gateway must watch every PoP's cell to reach the
              // primary, which lives in one of them.
              ...(federated
                ? {
                    extraFlags: {
                      cells_to_watch: claimRegions(spec).join(','),
                    },
                  }
                : {}),
              resources: containerResources(vtgate),
              extraLabels: labels,
              authentication: {
                static: {
                  secret: {
                    name: credentials,
                    key: VITESS_USERS_KEY,
                  },
                },
              },
              affinity: { nodeAffinity: nodeAffinity(spec) },
              ...topologySpread(spec, clusterPods(claim, 'vtgate'), gateways),
              ...(certificate.secretName
                ? {
                    secureTransport: {
                      tls: {
                        certSecret: {
                          name: certificate.secretName,
                          key: 'tls.crt',
                        },
                        keySecret: {
                          name: certificate.secretName,
                          key: 'tls.key',
                        },
                      },
                    },
                  }
                : {}),
            },
          },
        ],
        vitessDashboard: {
          cells: [ctx.pop],
          replicas: 1,
          extraLabels: labels,
          resources: containerResources(small),
          affinity: { nodeAffinity: nodeAffinity(spec) },
        },
        keyspaces: [
          {
            name: VITESS_KEYSPACE,
            // Semi-sync needs a replica to acknowledge: only with three or more.
            durabilityPolicy: vttablet.replicas >= 3 ? 'semi_sync' : 'none',
            vitessOrchestrator: {
              resources: containerResources(small),
              extraLabels: labels,
              affinity: { nodeAffinity: nodeAffinity(spec) },
            },
            partitionings: [
              {
                equal: {
                  parts: shards,
                  shardTemplate: {
                    // Not secret, but the CRD takes it from a Secret only: it
                    // is a key of the credentials Secret.
                    databaseInitScriptSecret: {
                      name: credentials,
                      key: VITESS_INIT_DB_KEY,
                    },
                    // With a backup location the initial backup seeds every
                    // tablet (they wait for a backup to restore), so the other
                    // PoPs' tablets restore the one the primary PoP takes.
                    replication: {
                      initializeMaster: initializes,
                      initializeBackup: initializes,
                    },
                    tabletPools: [
                      {
                        cell: ctx.pop,
                        type: 'replica',
                        replicas: tablets,
                        // The role's size is mysqld's; vttablet beside it gets a quarter more.
                        mysqld: { resources: containerResources(vttablet) },
                        vttablet: {
                          resources: containerResources(vttablet, 0.25),
                        },
                        dataVolumeClaimTemplate: {
                          accessModes: ['ReadWriteOnce'],
                          resources: {
                            requests: { storage: spec.storage.size },
                          },
                          ...(spec.storage.class
                            ? { storageClassName: spec.storage.class }
                            : {}),
                        },
                        extraLabels: labels,
                        affinity: { nodeAffinity: nodeAffinity(spec) },
                        // The template serves every shard: spread each shard's
                        // tablets, not all tablets of the keyspace together.
                        ...topologySpread(
                          spec,
                          clusterPods(claim, 'vttablet'),
                          tablets,
                          ['planetscale.com/shard'],
                        ),
                        ...(target
                          ? { backupLocationName: BACKUP_LOCATION }
                          : {}),
                      },
                    ],
                  },
                },
              },
            ],
          },
        ],
        ...(target
          ? {
              backup: {
                // The -mysql80 image carries percona-xtrabackup-80; XtraBackup
                // lets a tablet keep serving while it backs up, where builtin
                // stops its mysqld.
                engine: 'xtrabackup',
                locations: [location(target)],
                ...(ctx.pop === primary && spec.backup.schedule
                  ? {
                      schedules: [
                        {
                          name: 'scheduled',
                          schedule: spec.backup.schedule,
                          // vtbackup restores the latest backup into a mysqld of its own
                          // before taking the next: it needs a tablet's size.
                          resources: containerResources(vttablet),
                          successfulJobsHistoryLimit: 3,
                          failedJobsHistoryLimit: 3,
                          jobTimeoutMinute: VITESS_BACKUP_JOB_TIMEOUT_MINUTES,
                          // A strategy's extraFlags reach vtctldclient backups
                          // only, never vtbackup (vitessbackupschedule_types.go),
                          // and vtbackup's min_retention_time is fixed at 0,
                          // keep everything (pkg/controller/vitessshard/
                          // reconcile_backup_job.go): retention is the
                          // bucket's lifecycle rule (docs/engines.md).
                          strategies: [
                            { name: 'every-shard', scope: 'Cluster' },
                          ],
                        },
                      ],
                    }
                  : {}),
              },
            }
          : {}),
        ...(federated
          ? { topologyReconciliation: FEDERATED_TOPOLOGY_RECONCILIATION }
          : {}),
        // Changes roll out as soon as they are applied; the default waits for
        // an external approver the platform does not have.
        updateStrategy: { type: 'Immediate' },
      },
    },
    {
      ...(federated
        ? {
            [TOPOLOGY_ANNOTATION]: `Cell ${
              ctx.pop
            } of a Vitess cluster federated over ${claimRegions(spec).join(
              ', ',
            )} through the shared topology at ${GLOBAL_TOPOLOGY}; ${primary} initialises replication${
              target ? ', takes the first backup and schedules backups' : ''
            }.`,
          }
        : {}),
      ...backupWiring(claim, target, { schedules: ctx.pop === primary }),
      ...notesAnnotation(notes),
    },
  );

  return [cluster, ...certificate.resources];
}

/** Vitess (MySQL) on the Vitess operator. */
export const vitess: EngineRenderer = {
  render,
  podSelector: claim => clusterPods(claim),
  // Clients reach vtgate only: every tablet's mysqld listens on 3306 too,
  // with the upstream init script's passwordless vt_repl@'%'.
  clientPodSelector: claim => clusterPods(claim, 'vtgate'),
  clientPorts: [3306],
  // Federated cells: replicas replicate from the primary's mysqld, vtgates
  // and the operator's tablet RPC reach tablets in every cell (vttablet gRPC).
  peerPorts: [3306, 15999],
  metrics: {
    selector: claim => clusterPods(claim, 'vtgate'),
    port: 15000,
    path: '/metrics',
    series: ENGINE_EXPORTER_SERIES.vitess,
  },
};
