import {
  backupRetention,
  CLAIM_ANNOTATIONS,
  ENGINE_EXPORTER_SERIES,
} from '@internal/backstage-plugin-dbaas-common';
import {
  BACKUP_CREDENTIALS_SECRET,
  BACKUP_SECRET_KEYS,
  azureBlobUrl,
  backupTarget,
  cronWithSeconds,
  retentionDays,
  type BackupTarget,
  backupWiring,
  onDemandBackups,
  restoreSourceTarget,
  type Restore,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import {
  HOST_KEY,
  ZONE_KEY,
  nodeSelector,
  spreadConstraints,
} from '../placement';
import { cdcSecret } from '../credentials';
import { claimRegions, regionShare } from '../regions';
import { containerResources } from '../sizes';
import { engineRelease } from '../images';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';

const API = 'postgresql.cnpg.io/v1';
/** The external cluster a replica cluster recovers and follows from. */
const ORIGIN = 'origin';
/** The external cluster a restored database recovers from: the source's archive. */
export const RESTORE_SOURCE = 'restore-source';
/**
 * Backups and WAL archiving go through the Barman Cloud plugin (CNPG-i): the
 * in-tree `barmanObjectStore` is deprecated since CloudNativePG 1.26 and removed
 * in 1.31 (the admission warning of internal/webhook/v1/cluster_webhook.go at
 * v1.30.0). The plugin's `ObjectStore` holds the destination; the Cluster, its
 * Backups and its replica sources name it.
 */
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
const OBJECT_STORE_API = 'barmancloud.cnpg.io/v1';
/** The plugin's sidecar in every instance pod: archives WAL, takes base backups. */
const SIDECAR_SIZE = { cpu: '500m', memory: '512Mi' };
/**
 * PostgreSQL 16 and 17 as CloudNativePG v1.30.0 tests them (.github/pg_versions.json),
 * in the `standard` flavour on Debian trixie: the `system` images (barman-cloud
 * inside) are deprecated with the in-tree backups, and the bare major tags are
 * the old bullseye system images. Initdb's locale is C, so moving a cluster to
 * another distribution's glibc changes no collation.
 */
const IMAGE_FLAVOUR = 'standard-trixie';

/**
 * The primary's first completed backup as the portal committed it in the
 * claim (CLAIM_ANNOTATIONS.primaryBackup): the replica regions start from
 * the primary's archive once it holds one.
 */
export function primaryBackupOf(claim: ClaimObject): string | undefined {
  return claim.metadata.annotations?.[CLAIM_ANNOTATIONS.primaryBackup];
}

/** CloudNativePG's labels on the claim's PostgreSQL pods (not its job pods). */
function instancePods(claim: ClaimObject): Record<string, string> {
  return {
    'cnpg.io/cluster': claim.metadata.name,
    'cnpg.io/podRole': 'instance',
  };
}

/** The claim's ObjectStore: one per PoP, shared by its archive and its replica source. */
function objectStoreName(claim: ClaimObject): string {
  return `${claim.metadata.name}-store`;
}

/**
 * The ObjectStore of a restored claim describing its source's archive, which
 * the new cluster only reads (its own archive is `<claim>-store`).
 */
export function restoreStoreName(claim: ClaimObject): string {
  return `${claim.metadata.name}-restore-source`;
}

/**
 * A point in time as CloudNativePG's recoveryTarget.targetTime takes it. The
 * claim's is RFC 3339 with any offset and any number of fractional digits;
 * the webhook (types.ParseTargetTime at CloudNativePG v1.30.0) and the
 * instance manager (pgTime.ConvertToPostgresFormat) read Go's RFC 3339, and
 * PostgreSQL keeps microseconds. Given in UTC, to the microsecond.
 */
export function recoveryTargetTime(pointInTime: string): string {
  const match =
    /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(
      pointInTime,
    );
  const seconds = match && new Date(`${match[1]}${match[3]}`);
  if (!match || !seconds || Number.isNaN(seconds.getTime())) {
    // The claim's schema lets none through.
    throw new Error(
      `spec.restore.pointInTime ${pointInTime} is not an RFC 3339 timestamp`,
    );
  }
  const fraction = match[2] ? `.${match[2].slice(0, 6)}` : '';
  return `${seconds.toISOString().slice(0, 19)}${fraction}Z`;
}

/** What the restore says of itself, on the restored cluster. */
function restoreSummary(restore: Restore): string {
  return `Restored from backup ${restore.backup} of ${restore.source}${
    restore.pointInTime ? ` to ${recoveryTargetTime(restore.pointInTime)}` : ''
  }.`;
}

/** The Backup spec of a base backup taken through the plugin. */
function pluginBackupSpec(claim: ClaimObject) {
  return {
    cluster: { name: claim.metadata.name },
    method: 'plugin',
    pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
  };
}

/**
 * The barman-cloud configuration of a target, with the credentials by convention.
 * No serverName: the plugin refuses one here and takes it from the Cluster's
 * plugin parameters instead (ObjectStoreSpec in api/v1 at plugin v0.14.0).
 */
function objectStoreConfiguration(target: BackupTarget) {
  const ref = (key: string) => ({ name: BACKUP_CREDENTIALS_SECRET, key });
  const credentials = (() => {
    switch (target.scheme) {
      case 's3':
        return {
          s3Credentials: {
            accessKeyId: ref(BACKUP_SECRET_KEYS.awsAccessKeyId),
            secretAccessKey: ref(BACKUP_SECRET_KEYS.awsSecretAccessKey),
          },
        };
      case 'gs':
        return {
          googleCredentials: {
            applicationCredentials: ref(BACKUP_SECRET_KEYS.gcsCredentialsJson),
          },
        };
      default:
        return {
          azureCredentials: {
            storageSasToken: ref(BACKUP_SECRET_KEYS.azureSasToken),
          },
        };
    }
  })();
  return {
    destinationPath:
      target.scheme === 'azure' ? azureBlobUrl(target) : target.url,
    ...credentials,
    wal: { compression: 'gzip' },
    data: { compression: 'gzip' },
  };
}

/**
 * How the claim's Cluster here comes to have its data: an empty `app`
 * database (initdb), a restore of the source's backup (recovery from its
 * archive, stopped at the backup's end or replayed to the point in time), or
 * for a replica cluster the primary's archive it then follows.
 */
function bootstrap(isPrimary: boolean, restore: Restore | undefined) {
  if (!isPrimary) return { recovery: { source: ORIGIN } };
  if (!restore) return { initdb: { database: 'app', owner: 'app' } };
  return {
    recovery: {
      source: RESTORE_SOURCE,
      // The source's `app` and its owner, as every claim's are.
      database: 'app',
      owner: 'app',
      recoveryTarget: {
        // Always the backup named, never one Barman would choose by time.
        backupID: restore.backup,
        ...(restore.pointInTime
          ? { targetTime: recoveryTargetTime(restore.pointInTime) }
          : { targetImmediate: true }),
      },
    },
  };
}

/**
 * A CloudNativePG Cluster per region. The primary region runs the primary
 * cluster (its instances are the HA set: one primary, the rest hot standbys with
 * quorum-synchronous commit from three instances). Every other region of the
 * claim runs a replica cluster that follows the primary through its WAL archive
 * in object storage, so the PoPs need no direct connection; CloudNativePG cannot
 * run two writable primaries, so global claims get the same shape.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name } = claim.metadata;
  const [primary, ...others] = claimRegions(spec);
  const isPrimary = ctx.pop === primary;
  const instance = spec.resources.instance;
  // The claim's instances over all its regions: the primary takes the larger share.
  const instances = regionShare(spec, instance.replicas, ctx.pop);
  const target = backupTarget(claim, ctx);
  const serverName = (region: string) => `${name}-${region}`;
  const notes: string[] = [];
  if (!isPrimary && !target) {
    // A replica cluster here would have nothing to follow.
    return [];
  }
  if (!isPrimary && !primaryBackupOf(claim)) {
    // Its recovery would find no base backup in the primary's archive yet,
    // fail, and CloudNativePG would call the cluster unrecoverable: it waits
    // until the portal commits the primary's first completed backup.
    return [];
  }
  // A restore is the primary's bootstrap: replica clusters follow the new
  // primary's own archive as for any claim.
  const restore = isPrimary ? spec.restore : undefined;
  const restoreTarget = restore && restoreSourceTarget(claim, ctx, restore);
  if (spec.backup.enabled && !target) {
    notes.push(
      'Backups are enabled but there is no destination: set spec.backup.destination or the PoP default.',
    );
  }
  const tls = spec.networking?.tls;
  let topology: string | undefined;
  if (!isPrimary) {
    topology = `Replica cluster of the primary in ${primary}, following its WAL archive; promote by disabling spec.replica.`;
  } else if (others.length) {
    topology = `Primary cluster; replica clusters in ${others.join(
      ', ',
    )} follow its WAL archive.`;
  }
  if (restore) {
    topology = [restoreSummary(restore), topology].filter(Boolean).join(' ');
  }

  const cluster = resource(
    claim,
    { apiVersion: API, kind: 'Cluster', name, component: 'database' },
    {
      spec: {
        description: `ServiceClaim ${claim.metadata.namespace}/${name}`,
        instances,
        imageName: `ghcr.io/cloudnative-pg/postgresql:${engineRelease(
          'postgresql',
          spec.version,
        )}-${IMAGE_FLAVOUR}`,
        inheritedMetadata: { labels: podLabels(claim) },
        resources: containerResources(instance),
        storage: {
          size: spec.storage.size,
          ...(spec.storage.class ? { storageClass: spec.storage.class } : {}),
        },
        affinity: {
          nodeSelector: nodeSelector(spec),
          // CloudNativePG's own anti-affinity keeps instances on separate nodes;
          // the zone spread comes from the constraints below.
          enablePodAntiAffinity: instances > 1,
          topologyKey: HOST_KEY,
          podAntiAffinityType: 'preferred',
        },
        ...(spec.highAvailability.multiAZ && instances > 1
          ? {
              topologySpreadConstraints: spreadConstraints(
                spec,
                instancePods(claim),
                instances,
              ).filter(c => c.topologyKey === ZONE_KEY),
            }
          : {}),
        ...(instances >= 3
          ? { postgresql: { synchronous: { method: 'any', number: 1 } } }
          : {}),
        ...(tls?.enabled && tls.certificate
          ? {
              certificates: {
                serverTLSSecret: tls.certificate,
                serverCASecret: tls.certificate,
              },
            }
          : {}),
        // No `postgres` password and no `<claim>-superuser` Secret: the
        // superuser logs in only over the instance's local socket (the
        // operator's own use). CloudNativePG's default today, stated so a
        // change of default never opens it. The tenant's user is `app`, with
        // the password CloudNativePG generates into `<claim>-app`.
        enableSuperuserAccess: false,
        bootstrap: bootstrap(isPrimary, restore),
        ...managedRoles(claim),
        ...(restore
          ? {
              // The source archived as `<source>-<its primary region>`, and
              // the restored database is in that region.
              externalClusters: [
                {
                  name: RESTORE_SOURCE,
                  plugin: {
                    name: BARMAN_CLOUD_PLUGIN,
                    parameters: {
                      barmanObjectName: restoreStoreName(claim),
                      serverName: `${restore.source}-${spec.region}`,
                    },
                  },
                },
              ],
            }
          : {}),
        ...(isPrimary
          ? {}
          : {
              replica: { enabled: true, source: ORIGIN },
              externalClusters: [
                {
                  name: ORIGIN,
                  plugin: {
                    name: BARMAN_CLOUD_PLUGIN,
                    parameters: {
                      barmanObjectName: objectStoreName(claim),
                      serverName: serverName(primary),
                    },
                  },
                },
              ],
            }),
        // Every PoP archives its own WAL under its own server name: a replica
        // cluster's designated primary too, so it can be promoted with its history.
        ...(target
          ? {
              plugins: [
                {
                  name: BARMAN_CLOUD_PLUGIN,
                  isWALArchiver: true,
                  parameters: {
                    barmanObjectName: objectStoreName(claim),
                    serverName: serverName(ctx.pop),
                  },
                },
              ],
            }
          : {}),
      },
    },
    {
      ...(topology ? { [TOPOLOGY_ANNOTATION]: topology } : {}),
      ...backupWiring(claim, target, { schedules: isPrimary }),
      ...notesAnnotation(notes),
    },
  );

  const resources = [cluster];
  if (restoreTarget) {
    resources.push(
      resource(
        claim,
        {
          apiVersion: OBJECT_STORE_API,
          kind: 'ObjectStore',
          name: restoreStoreName(claim),
          component: 'restore',
        },
        {
          spec: {
            // Read only, by this cluster's recovery: no retentionPolicy, the
            // source's own ObjectStore keeps its retention.
            configuration: objectStoreConfiguration(restoreTarget),
            // The plugin sizes the recovery Job's sidecar from this store.
            instanceSidecarConfiguration: {
              resources: containerResources(SIDECAR_SIZE),
            },
          },
        },
      ),
    );
  }
  if (target) {
    resources.push(
      resource(
        claim,
        {
          apiVersion: OBJECT_STORE_API,
          kind: 'ObjectStore',
          name: objectStoreName(claim),
          component: 'backup',
        },
        {
          spec: {
            configuration: objectStoreConfiguration(target),
            retentionPolicy: `${retentionDays(backupRetention(spec))}d`,
            instanceSidecarConfiguration: {
              resources: containerResources(SIDECAR_SIZE),
            },
          },
        },
      ),
    );
  }
  if (target && isPrimary && spec.backup.schedule) {
    resources.push(
      resource(
        claim,
        {
          apiVersion: API,
          kind: 'ScheduledBackup',
          name: `${name}-backup`,
          component: 'backup',
        },
        {
          spec: {
            // CloudNativePG's cron has a leading seconds field.
            schedule: cronWithSeconds(spec.backup.schedule),
            ...pluginBackupSpec(claim),
            backupOwnerReference: 'self',
            immediate: true,
          },
        },
      ),
    );
  }
  return resources;
}

/**
 * A Backup of the claim's cluster through the plugin, to the same object
 * store as its schedule: the final one, and those the portal requests (kept
 * when the operator prunes: they record data taken, not desired state).
 */
function backupObject(claim: ClaimObject, name: string): RenderedResource {
  return resource(
    claim,
    { apiVersion: API, kind: 'Backup', name, component: 'backup' },
    { spec: pluginBackupSpec(claim) },
  );
}

/**
 * The CDC role, on a claim with pipelines: CloudNativePG makes it and keeps its
 * password that of `<claim>-cdc` (managed roles). Replica clusters get it
 * through replication; only the primary runs pipelines.
 */
function managedRoles(claim: ClaimObject) {
  const secret = cdcSecret(claim);
  if (!secret) return {};
  return {
    managed: {
      roles: [
        {
          name: secret.username,
          ensure: 'present',
          comment: "The platform's CDC connectors (Debezium)",
          login: true,
          replication: true,
          inRoles: ['app'],
          passwordSecret: { name: secret.name },
        },
      ],
    },
  };
}

/** PostgreSQL on CloudNativePG. */
export const postgresql: EngineRenderer = {
  render,
  ...onDemandBackups(backupObject),
  // A replica cluster needs the primary's WAL archive to follow.
  runsHere: (claim, ctx) =>
    ctx.pop === claim.spec.region || backupTarget(claim, ctx) !== undefined,
  podSelector: claim => ({ 'cnpg.io/cluster': claim.metadata.name }),
  clientPorts: [5432],
  metrics: {
    selector: instancePods,
    port: 9187,
    path: '/metrics',
    series: ENGINE_EXPORTER_SERIES.postgresql,
  },
};
