import {
  DBAAS_LABELS,
  ENGINE_EXPORTER_SERIES,
  backupRetention,
  toCores,
  toGi,
} from '@internal/backstage-plugin-dbaas-common';
import {
  BACKUP_CREDENTIALS_SECRET,
  azureBlobUrl,
  backupTarget,
  retentionMs,
  type BackupTarget,
  backupWiring,
  BACKUP_ID_LABEL,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { nodeSelector, preferredAntiAffinity } from '../placement';
import { claimRegions } from '../regions';
import { storageGi } from '../sizes';
import { engineRelease } from '../images';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { BackupRequestPlan, EngineRenderer } from './engineRenderer';

const API = 'operator.yugabyte.io/v1alpha1';
/** Our label telling masters from tservers: YBA's own pod labels are not an API. */
const ROLE_LABEL = 'dbaas.io/role';

/** YBA objects are named per YBA instance, across namespaces: qualify with ours. */
function ybaName(claim: ClaimObject, suffix = ''): string {
  return `${claim.metadata.namespace}-${claim.metadata.name}${suffix}`.slice(
    0,
    63,
  );
}

/**
 * The YugabyteDB Anywhere provider a claim's universe is placed with: one per
 * tenant namespace, set up by the platform in every PoP's YBA (docs/engines.md,
 * "YugabyteDB"). Named, because without `providerName` the operator makes an
 * auto-provider from the local cluster only, which has none of the other PoPs'
 * regions; per namespace, because a provider zone fixes the namespace its pods
 * run in (`kubeNamespace`), and the claim's NetworkPolicy and PodMonitor are in
 * the claim's.
 */
export function ybaProviderName(claim: ClaimObject): string {
  return `dbaas-${claim.metadata.namespace}`;
}

/**
 * The Secret the operator reads the YSQL password from. The YBA operator looks
 * it up in the namespace it watches, or in `default` when it watches all of
 * them (as it must to see tenants' YBUniverses), never in the YBUniverse's own
 * (docs/engines.md, "YugabyteDB"). `default` is shared by every tenant, so the
 * name is the namespace and the claim joined by dots, which neither can hold:
 * no two claims share it, and it is never cut short (a Secret's name may be
 * 253 characters long).
 */
export function ysqlPasswordSecretName(claim: {
  metadata: { namespace: string; name: string };
}): string {
  return `${claim.metadata.namespace}.${claim.metadata.name}.ysql`;
}

/**
 * A PoP's zones in its YBA provider region: `<pop>-a`, `<pop>-b`, `<pop>-c`,
 * which must be the `topology.kubernetes.io/zone` labels of the PoP's nodes
 * (YBA pins a multi-zone universe's pods to their zone by that label).
 */
export const YBA_ZONES_PER_POP = 3;

/** Zone `index` (from 0) of a PoP: `<pop>-a`, `<pop>-b`, ... */
export function ybaZoneCode(pop: string, index: number): string {
  return `${pop}-${String.fromCharCode(97 + index)}`;
}

/** `total` split evenly over `parts`, the first ones taking the rest. */
function evenSplit(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

/**
 * A placement's regions with their zones and node counts: the nodes split over
 * the regions, then over each region's zones when the claim is multi-AZ (all
 * in the first zone otherwise). The YBA operator refuses a region without
 * zones and a placement whose zone counts do not add up to the cluster's
 * `numNodes`; zones left with no node are left out.
 */
export function ybaPlacementRegions(
  regions: string[],
  numNodes: number,
  multiAZ: boolean,
): { code: string; zones: { code: string; numNodes: number }[] }[] {
  const perRegion = evenSplit(numNodes, regions.length);
  return regions
    .map((code, r) => ({
      code,
      zones: evenSplit(perRegion[r], multiAZ ? YBA_ZONES_PER_POP : 1)
        .map((nodes, z) => ({ code: ybaZoneCode(code, z), numNodes: nodes }))
        .filter(zone => zone.numNodes > 0),
    }))
    .filter(region => region.zones.length > 0);
}

/** YBA sizes pods in whole cores and GiB. */
function ybaSize(size: { cpu: string; memory: string }) {
  return {
    cpu: Math.max(1, Math.ceil(toCores(size.cpu))),
    memory: Math.max(1, Math.ceil(toGi(size.memory))),
  };
}

/** Where YugabyteDB Anywhere writes backups, by the target's scheme. */
function storageConfig(target: BackupTarget): Record<string, unknown> {
  switch (target.scheme) {
    case 's3':
      return {
        config_type: 'STORAGE_S3',
        // The access key id would have to be written here in the clear; the
        // PoP's YBA reaches the bucket with its IAM role instead.
        data: { BACKUP_LOCATION: target.url, USE_IAM: true },
      };
    case 'gs':
      return {
        config_type: 'STORAGE_GCS',
        data: { BACKUP_LOCATION: target.url },
        gcsCredentialsJsonSecret: { name: BACKUP_CREDENTIALS_SECRET },
      };
    default:
      return {
        config_type: 'STORAGE_AZ',
        data: { BACKUP_LOCATION: azureBlobUrl(target) },
        azureStorageSasTokenSecret: { name: BACKUP_CREDENTIALS_SECRET },
      };
  }
}

/**
 * A YBUniverse, rendered in the claim's primary PoP only: YugabyteDB Anywhere
 * places a universe's pods in every region of its placement itself, through the
 * tenant namespace's provider (ybaProviderName), whose regions are the PoPs
 * (region codes equal to PoP ids) and zones `<pop>-a`... (ybaZoneCode). The global
 * plan is one universe stretched over the claim's regions (synchronous
 * replication, one copy per region at RF 3); xCluster would need two universes
 * and a replication config the operator has no resource for. A dedicated claim
 * with more regions gets an asynchronous read replica cluster there.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name } = claim.metadata;
  const [primary, ...others] = claimRegions(spec);
  if (ctx.pop !== primary) return [];
  const tserver = spec.resources.tserver;
  const master = spec.resources.master;
  const tls = spec.networking?.tls?.enabled ?? false;
  const stretched = spec.plan === 'global';
  const notes: string[] = [];
  if (spec.networking?.tls?.certificate) {
    notes.push(
      'YugabyteDB Anywhere issues its own certificates: networking.tls.certificate is not used.',
    );
  }
  const role = (r: string) => ({
    ...podLabels(claim),
    [ROLE_LABEL]: r,
  });
  // Anti-affinity only: the YBUniverse CRD types nodeAffinity's required term
  // as a list, unlike a pod's, so the node pool goes through nodeSelector.
  const spread = (labels: Record<string, string>, replicas: number) => {
    const podAntiAffinity = preferredAntiAffinity(spec, labels, replicas);
    return podAntiAffinity ? { affinity: { podAntiAffinity } } : {};
  };
  const volume = {
    volumeSize: storageGi(spec),
    numVolumes: 1,
    ...(spec.storage.class ? { storageClass: spec.storage.class } : {}),
  };
  const multiAZ = spec.highAvailability.multiAZ;
  let topology: string | undefined;
  if (stretched) {
    topology = `One universe stretched over ${claimRegions(spec).join(
      ', ',
    )}, placed by YugabyteDB Anywhere from ${primary}.`;
  } else if (others.length) {
    topology = `Primary cluster in ${primary}; read replica cluster in ${others.join(
      ', ',
    )}.`;
  }

  const universe = resource(
    claim,
    { apiVersion: API, kind: 'YBUniverse', name, component: 'database' },
    {
      spec: {
        universeName: ybaName(claim),
        numNodes: tserver.replicas,
        replicationFactor: spec.replication.factor,
        ybSoftwareVersion: engineRelease('yugabyte', spec.version),
        enableYSQL: true,
        enableYSQLAuth: true,
        ysqlPassword: { secretName: ysqlPasswordSecretName(claim) },
        enableYCQL: false,
        enableNodeToNodeEncrypt: tls,
        enableClientToNodeEncrypt: tls,
        enableLoadBalancer: false,
        providerName: ybaProviderName(claim),
        placementInfo: {
          defaultRegion: primary,
          regions: ybaPlacementRegions(
            stretched ? claimRegions(spec) : [primary],
            tserver.replicas,
            multiAZ,
          ),
        },
        tserverResourceSpec: ybaSize(tserver),
        masterResourceSpec: ybaSize(master),
        tserverVolume: volume,
        ...(others.length && !stretched
          ? {
              readReplica: {
                numNodes: others.length,
                replicationFactor: others.length,
                tserverResourceSpec: ybaSize(tserver),
                tserverVolume: volume,
                placementInfo: {
                  regions: ybaPlacementRegions(others, others.length, false),
                },
              },
            }
          : {}),
        kubernetesOverrides: {
          nodeSelector: nodeSelector(spec),
          master: {
            podLabels: role('master'),
            ...spread(role('master'), master.replicas),
          },
          tserver: {
            podLabels: role('tserver'),
            ...spread(role('tserver'), tserver.replicas),
          },
        },
      },
    },
    {
      ...(topology ? { [TOPOLOGY_ANNOTATION]: topology } : {}),
      ...backupWiring(claim, backupTarget(claim, ctx), { schedules: true }),
      ...notesAnnotation(notes),
    },
  );

  const resources = [universe];
  const target = backupTarget(claim, ctx);
  if (target && spec.backup.schedule) {
    const storageConfigName = `${name}-backup`;
    resources.push(
      resource(
        claim,
        {
          apiVersion: API,
          kind: 'StorageConfig',
          name: storageConfigName,
          component: 'backup',
        },
        {
          spec: {
            name: ybaName(claim, '-backup'),
            ...storageConfig(target),
          },
        },
      ),
      resource(
        claim,
        {
          apiVersion: API,
          kind: 'BackupSchedule',
          name: `${name}-backup`,
          component: 'backup',
        },
        {
          spec: {
            name: ybaName(claim, '-backup'),
            backupType: 'PGSQL_TABLE_TYPE',
            keyspace: 'yugabyte',
            storageConfig: storageConfigName,
            universe: name,
            cronExpression: spec.backup.schedule,
            timeBeforeDelete: retentionMs(backupRetention(spec)),
          },
        },
      ),
    );
  }
  return resources;
}

/**
 * A YugabyteDB Anywhere Backup of the universe's YSQL database for a backup the
 * portal requested, to the storage config the schedule uses (there is none
 * without a schedule), labelled with the backup's id.
 */
function backupRequest(
  claim: ClaimObject,
  ctx: RenderContext,
  backupId: string,
): BackupRequestPlan {
  const { name } = claim.metadata;
  const { backup } = claim.spec;
  if (!backupTarget(claim, ctx) || !backup.schedule) {
    return {
      kind: 'unavailable',
      reason:
        "YugabyteDB's Backup needs the database's storage config, which exists only with a backup destination and schedule.",
    };
  }
  const request = resource(
    claim,
    {
      apiVersion: API,
      kind: 'Backup',
      name: `${name}-${backupId}`,
      component: 'backup',
    },
    {
      spec: {
        backupType: 'PGSQL_TABLE_TYPE',
        keyspace: 'yugabyte',
        storageConfig: `${name}-backup`,
        universe: name,
        timeBeforeDelete: retentionMs(backupRetention({ backup })),
      },
    },
  );
  request.metadata.labels[BACKUP_ID_LABEL] = backupId;
  return { kind: 'create', resource: request };
}

/** YugabyteDB on the YugabyteDB Anywhere operator. */
export const yugabyte: EngineRenderer = {
  render,
  backupRequest,
  podSelector: claim => ({ [DBAAS_LABELS.serviceName]: claim.metadata.name }),
  clientPorts: [5433],
  // Masters (7100 RPC, 7000 web) and tservers (9100 RPC, 9000 web) of one
  // universe over every PoP of the claim.
  peerPorts: [7000, 7100, 9000, 9100],
  metrics: {
    selector: claim => ({
      [DBAAS_LABELS.serviceName]: claim.metadata.name,
      [ROLE_LABEL]: 'tserver',
    }),
    // The YSQL server's own endpoint, where the connection and statement series are.
    port: 13000,
    path: '/prometheus-metrics',
    series: ENGINE_EXPORTER_SERIES.yugabyte,
  },
};
