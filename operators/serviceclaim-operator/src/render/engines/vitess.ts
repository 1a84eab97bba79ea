import {
  BACKUP_CREDENTIALS_SECRET,
  BACKUP_SECRET_KEYS,
  backupTarget,
  retentionMs,
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
import { claimRegions, regionShare } from '../regions';
import { containerResources } from '../sizes';
import {
  VITESS_INIT_DB_KEY,
  VITESS_USERS_KEY,
  credentialsSecret,
} from '../credentials';
import { HELPER_IMAGES, engineRelease } from '../images';
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
 * tablets of all cells together form each shard's replication set. Backups are
 * scheduled from the primary PoP only; every PoP can restore from them.
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
  const tls = spec.networking?.tls;
  const image = `vitess/lite:${engineRelease('vitess', spec.version)}`;
  const labels = podLabels(claim);
  const notes: string[] = [];
  if (tls?.enabled && !tls.certificate) {
    notes.push(
      'vtgate serves TLS only with a certificate: set networking.tls.certificate.',
    );
  }
  if (spec.plan === 'dedicated' && federated) {
    notes.push(
      'Vitess has no asynchronous cross-region replica of its own: the other regions get federated cells, as on the global plan.',
    );
  }
  const credentials = credentialsSecret(claim)!.name;
  const small = { cpu: '250m', memory: '256Mi' };

  const cluster = resource(
    claim,
    { apiVersion: API, kind: 'VitessCluster', name, component: 'database' },
    {
      spec: {
        images: {
          vtctld: image,
          vtgate: image,
          vttablet: image,
          vtorc: image,
          vtbackup: image,
          mysqld: { mysql80Compatible: HELPER_IMAGES.mysqld },
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
            gateway: {
              replicas: gateways,
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
              ...(tls?.enabled && tls.certificate
                ? {
                    secureTransport: {
                      tls: {
                        certSecret: { name: tls.certificate, key: 'tls.crt' },
                        keySecret: { name: tls.certificate, key: 'tls.key' },
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
                          strategies: [
                            {
                              name: 'every-shard',
                              scope: 'Cluster',
                              extraFlags: {
                                min_retention_time: `${
                                  retentionMs(spec.backup.retention ?? '14d') /
                                  3_600_000
                                }h`,
                              },
                            },
                          ],
                        },
                      ],
                    }
                  : {}),
              },
            }
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
            )} through the shared topology at ${GLOBAL_TOPOLOGY}; backups are scheduled from ${primary}.`,
          }
        : {}),
      ...backupWiring(claim, target, { schedules: ctx.pop === primary }),
      ...notesAnnotation(notes),
    },
  );

  return [cluster];
}

/** Vitess (MySQL) on the Vitess operator. */
export const vitess: EngineRenderer = {
  render,
  podSelector: claim => clusterPods(claim),
  // Clients reach vtgate only: every tablet's mysqld listens on 3306 too,
  // with the upstream init script's passwordless vt_repl@'%'.
  clientPodSelector: claim => clusterPods(claim, 'vtgate'),
  clientPorts: [3306],
  metrics: {
    selector: claim => clusterPods(claim, 'vtgate'),
    port: 15000,
    path: '/metrics',
    connections: 'vtgate_mysql_server_conn_count',
    queries: 'vtgate_queries_processed(_total)?',
  },
};
