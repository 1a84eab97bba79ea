import {
  ENGINE_EXPORTER_SERIES,
  backupRetention,
} from '@internal/backstage-plugin-dbaas-common';
import {
  BACKUP_CREDENTIALS_SECRET,
  backupTarget,
  backupsKept,
  type BackupTarget,
  backupWiring,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { rackAffinity } from '../placement';
import { claimRegions, regionShare, remoteServiceHost } from '../regions';
import { containerResources } from '../sizes';
import { HELPER_IMAGES, engineRelease } from '../images';
import { scyllaManagerSecret } from '../credentials';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';
import { scyllaRolesJob } from './scyllaRoles';

const API = 'scylla.scylladb.com/v1';
const CLUSTER_LABEL = 'scylla/cluster';
const RACK_LABEL = 'scylla/rack';

/**
 * The StorageClass of members when neither the claim nor the PoP names one:
 * the ScyllaDB Local CSI Driver's, which provisions XFS volumes on the local
 * NVMe disks a NodeConfig prepares (scylla-operator v1.21.1
 * docs/source/deploy-scylladb/before-you-deploy/configure-nodes.md).
 */
export const SCYLLA_STORAGE_CLASS_DEFAULT = 'scylladb-local-xfs';

/**
 * Keeps a ScyllaCluster away from the Scylla Manager of its Kubernetes
 * cluster: no registration, no tasks (scylla-operator v1.21.1
 * pkg/naming/constants.go, pkg/controller/scyllacluster/migrate.go).
 */
export const SCYLLA_MANAGER_OPT_OUT =
  'scylla-operator.scylladb.com/disable-global-scylladb-manager-integration';

/** Racks are `r1`, `r2`, ...; with the datacenter they name the member Services. */
function rackName(index: number): string {
  return `r${index + 1}`;
}

/** Members spread over racks as evenly as they go, the first racks taking the rest. */
function membersPerRack(members: number, racks: number): number[] {
  return Array.from(
    { length: racks },
    (_, i) => Math.floor(members / racks) + (i < members % racks ? 1 : 0),
  );
}

/** Scylla Manager's `<provider>:<bucket>`; it stores under its own layout, without prefix. */
function managerLocation(target: BackupTarget): string {
  const provider = { s3: 's3', gs: 'gcs', azure: 'azure' }[target.scheme];
  return `${provider}:${target.bucket}`;
}

/**
 * A ScyllaCluster whose datacenter is this PoP, with `topology.racks` racks.
 * Global claims get one ScyllaCluster per PoP with the same name (a ScyllaDB
 * cluster is known by its name), each its own datacenter, seeded from the first
 * member of every other PoP's datacenter: one multi-DC cluster. Keyspaces then
 * replicate with NetworkTopologyStrategy at the claim's RF per datacenter.
 * Backups are a Scylla Manager task on the primary PoP's cluster, covering every
 * datacenter.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name, namespace } = claim.metadata;
  const [primary, ...others] = claimRegions(spec);
  const multiDc = others.length > 0;
  const member = spec.resources.member;
  const racks = spec.topology?.racks ?? 1;
  const target = backupTarget(claim, ctx);
  const config = `${name}-config`;
  // Roles are cluster-wide: the primary datacenter's Job makes them for all.
  const roles = ctx.pop === primary ? scyllaRolesJob(claim) : undefined;
  // The Scylla Manager backup task, on the primary datacenter only.
  const task =
    target && ctx.pop === primary && spec.backup.schedule
      ? { target, cron: spec.backup.schedule }
      : undefined;
  const notes = [
    roles
      ? `PasswordAuthenticator is on; ScyllaCluster cannot declare roles, so the Job ${roles.metadata.name} creates the app role of the credentials Secret and Scylla Manager's role, and retires the default superuser over CQL.`
      : `PasswordAuthenticator is on; the app role is cluster-wide, created by the role Job in ${primary}: this PoP's credentials Secret must hold the same password.`,
  ];
  if (task) {
    notes.push(
      `Scylla Manager backs up only with CQL credentials, which the Scylla operator cannot give it: the platform registers the role in Secret ${
        scyllaManagerSecret(claim)!.name
      } with Scylla Manager's cluster ${namespace}/${name}.`,
    );
  }
  if (multiDc) {
    notes.push(
      ctx.pop === primary
        ? "Scylla Manager of this PoP reaches every datacenter's agents: they must share its auth token (auth_token in scylla-manager-agent.yaml of the backup credentials Secret, the same in every PoP)."
        : `Left out of this PoP's Scylla Manager: the one in ${primary} manages the whole cluster.`,
    );
  }
  if (target?.prefix) {
    notes.push(
      `Scylla Manager keeps its own layout in ${target.scheme}:${target.bucket}; the path ${target.prefix} is not used.`,
    );
  }
  if (spec.networking?.tls?.certificate) {
    notes.push(
      'The Scylla operator issues the CQL serving certificates: networking.tls.certificate is not used.',
    );
  }
  // Racks with no member of this datacenter's share are left out.
  const sizes = membersPerRack(
    regionShare(spec, member.replicas, ctx.pop),
    racks,
  ).filter(members => members > 0);

  const cluster = resource(
    claim,
    { apiVersion: API, kind: 'ScyllaCluster', name, component: 'database' },
    {
      spec: {
        version: engineRelease('scylla', spec.version),
        agentVersion: HELPER_IMAGES.scyllaManagerAgent,
        automaticOrphanedNodeCleanup: true,
        podMetadata: { labels: podLabels(claim) },
        ...(multiDc
          ? {
              // Other datacenters reach this one's members by pod IP over the
              // inter-PoP network; ClusterIPs do not route between PoPs.
              exposeOptions: {
                nodeService: { type: 'Headless' },
                broadcastOptions: {
                  nodes: { type: 'PodIP' },
                  clients: { type: 'PodIP' },
                },
              },
              externalSeeds: claimRegions(spec)
                .filter(r => r !== ctx.pop)
                .map(r =>
                  remoteServiceHost(
                    `${name}-${r}-${rackName(0)}-0`,
                    namespace,
                    r,
                  ),
                ),
            }
          : {}),
        datacenter: {
          name: ctx.pop,
          racks: sizes.map((members, i) => ({
            name: rackName(i),
            members,
            storage: {
              capacity: spec.storage.size,
              storageClassName:
                spec.storage.class ??
                ctx.scyllaStorageClass ??
                SCYLLA_STORAGE_CLASS_DEFAULT,
              metadata: { labels: podLabels(claim) },
            },
            resources: containerResources(member),
            agentResources: containerResources({
              cpu: '100m',
              memory: '256Mi',
            }),
            scyllaConfig: config,
            ...(target ? { scyllaAgentConfig: BACKUP_CREDENTIALS_SECRET } : {}),
            placement: rackAffinity(
              spec,
              { [CLUSTER_LABEL]: name },
              { key: RACK_LABEL, value: rackName(i) },
              members,
            ),
          })),
        },
        ...(task
          ? {
              backups: [
                {
                  name: 'scheduled',
                  cron: task.cron,
                  location: [managerLocation(task.target)],
                  retention: backupsKept(task.cron, backupRetention(spec)),
                },
              ],
            }
          : {}),
      },
    },
    {
      // One Scylla Manager per multi-datacenter cluster (scylla-operator
      // v1.21.1 docs/source/deploy-scylladb/deploy-multi-datacenter-cluster.md).
      ...(multiDc && ctx.pop !== primary
        ? { [SCYLLA_MANAGER_OPT_OUT]: 'true' }
        : {}),
      ...(multiDc
        ? {
            [TOPOLOGY_ANNOTATION]: `Datacenter ${
              ctx.pop
            } of a cluster with datacenters ${claimRegions(spec).join(
              ', ',
            )}; Scylla Manager backs up all of them from ${primary}.`,
          }
        : {}),
      ...backupWiring(claim, target, { schedules: ctx.pop === primary }),
      ...notesAnnotation(notes),
    },
  );

  const scyllaConfig = resource(
    claim,
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: config,
      component: 'database',
    },
    {
      data: {
        'scylla.yaml':
          'authenticator: PasswordAuthenticator\nauthorizer: CassandraAuthorizer\n',
      },
    },
  );
  return [cluster, scyllaConfig, ...(roles ? [roles] : [])];
}

/** ScyllaDB on the Scylla operator (and Scylla Manager for backups). */
export const scylla: EngineRenderer = {
  render,
  podSelector: claim => ({ [CLUSTER_LABEL]: claim.metadata.name }),
  clientPorts: [9042, 9142],
  // Datacenters gossip and stream on 7000 (7001 with internode TLS); Scylla
  // Manager in the primary PoP reaches every node's CQL and agent.
  peerPorts: [7000, 7001, 9042, 10001],
  metrics: {
    selector: claim => ({
      [CLUSTER_LABEL]: claim.metadata.name,
      // Node pods only, not the operator's cleanup jobs.
      'scylla-operator.scylladb.com/pod-type': 'scylladb-node',
    }),
    port: 9180,
    path: '/metrics',
    series: ENGINE_EXPORTER_SERIES.scylla,
  },
};
