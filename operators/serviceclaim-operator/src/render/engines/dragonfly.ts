import {
  ENGINE_EXPORTER_SERIES,
  toGi,
} from '@internal/backstage-plugin-dbaas-common';
import {
  BACKUP_CREDENTIALS_SECRET,
  BACKUP_SECRET_KEYS,
  backupTarget,
  backupWiring,
  type BackupTarget,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { nodeSelector, topologySpread } from '../placement';
import { claimRegions, regionShare, remoteServiceHost } from '../regions';
import { containerResources } from '../sizes';
import { PASSWORD_KEY, credentialsSecret } from '../credentials';
import { engineRelease } from '../images';
import { serverCertificate } from '../tls';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';

/**
 * The share of the container's memory limit Dragonfly may fill with data. It is
 * the share Dragonfly takes when left to size itself (dragonfly v1.39.0
 * src/server/dfly_main.cc: 0.8 of the available memory), made explicit: left to
 * itself, Dragonfly reads the node's MemAvailable at start-up, so a busy node
 * would give a restarted instance less room than the snapshot it reloads.
 */
export const DRAGONFLY_MAXMEMORY_SHARE = 0.8;

/** `--maxmemory` in bytes (whole MiB) for a container memory limit such as `16Gi`. */
export function dragonflyMaxmemoryBytes(memory: string): number {
  return (
    Math.floor(toGi(memory) * 1024 * DRAGONFLY_MAXMEMORY_SHARE) * 1024 * 1024
  );
}

/**
 * Where this PoP's instance snapshots to and reloads from. Dragonfly loads the
 * newest snapshot under its `--dir` when it starts, so the independent
 * instances of a multi-region claim each get their own prefix (`<prefix>/<pop>`):
 * with one shared prefix a restart would load another region's data.
 */
export function dragonflySnapshotDir(
  claim: ClaimObject,
  ctx: RenderContext,
  s3: BackupTarget,
): string {
  const perPoP = claimRegions(claim.spec).length > 1 ? ctx.pop : '';
  return `s3://${[s3.bucket, s3.prefix, perPoP].filter(Boolean).join('/')}`;
}

function instancePods(claim: ClaimObject) {
  return {
    app: claim.metadata.name,
    'app.kubernetes.io/name': 'dragonfly',
  };
}

/**
 * A Dragonfly: `instance.replicas` pods, one master and the rest replicas the
 * operator fails over to. Snapshots go to S3 on the claim's schedule (Dragonfly
 * writes `s3://` directly); without an S3 target they go to a volume of
 * `storage.size` on each pod. Dragonfly has no cross-region replication: every
 * region of a multi-region claim runs its own, independent instance, with its
 * own snapshot prefix.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name } = claim.metadata;
  const regions = claimRegions(spec);
  const instance = spec.resources.instance;
  const replicas = regionShare(spec, instance.replicas, ctx.pop);
  const target = backupTarget(claim, ctx);
  const s3 = target?.scheme === 's3' ? target : undefined;
  const notes: string[] = [];
  if (target && !s3) {
    notes.push(
      `Dragonfly writes snapshots to S3 only: ${target.url} is not used, snapshots stay on the pods' volumes.`,
    );
  }
  if (spec.backup.enabled && !target) {
    notes.push(
      "Backups are enabled but there is no destination: snapshots stay on the pods' volumes.",
    );
  }
  // The operator's Service is named after the resource; other PoPs reach it
  // through the inter-PoP zone.
  const namespace = claim.metadata.namespace;
  const certificate = serverCertificate(claim, ctx, [
    `${name}.${namespace}.svc`,
    `${name}.${namespace}.svc.cluster.local`,
    remoteServiceHost(name, namespace, ctx.pop),
  ]);
  const env = s3
    ? [
        ...(
          [
            ['AWS_ACCESS_KEY_ID', BACKUP_SECRET_KEYS.awsAccessKeyId],
            ['AWS_SECRET_ACCESS_KEY', BACKUP_SECRET_KEYS.awsSecretAccessKey],
          ] as const
        ).map(([variable, key]) => ({
          name: variable,
          valueFrom: { secretKeyRef: { name: BACKUP_CREDENTIALS_SECRET, key } },
        })),
        { name: 'AWS_REGION', value: s3.region },
      ]
    : [];
  const snapshotDir = s3 ? dragonflySnapshotDir(claim, ctx, s3) : undefined;

  const dragonflyResource = resource(
    claim,
    {
      apiVersion: 'dragonflydb.io/v1alpha1',
      kind: 'Dragonfly',
      name,
      component: 'database',
    },
    {
      spec: {
        image: `docker.dragonflydb.io/dragonflydb/dragonfly:${engineRelease(
          'dragonfly',
          spec.version,
        )}`,
        replicas,
        resources: containerResources(instance),
        // The operator appends these to its own arguments (dragonfly-operator
        // v1.6.1 internal/resources/resources.go).
        args: [`--maxmemory=${dragonflyMaxmemoryBytes(instance.memory)}`],
        podMetadata: { labels: podLabels(claim) },
        ownedObjectsMetadata: { labels: podLabels(claim) },
        nodeSelector: nodeSelector(spec),
        ...topologySpread(spec, instancePods(claim), replicas),
        ...(replicas > 1 ? { pdb: { maxUnavailable: 1 } } : {}),
        authentication: {
          passwordFromSecret: {
            name: credentialsSecret(claim)!.name,
            key: PASSWORD_KEY,
          },
        },
        ...(certificate.secretName
          ? { tlsSecretRef: { name: certificate.secretName } }
          : {}),
        ...(env.length ? { env } : {}),
        ...(spec.backup.enabled
          ? {
              snapshot: {
                ...(spec.backup.schedule ? { cron: spec.backup.schedule } : {}),
                ...(snapshotDir
                  ? { dir: snapshotDir }
                  : {
                      persistentVolumeClaimSpec: {
                        accessModes: ['ReadWriteOnce'],
                        resources: { requests: { storage: spec.storage.size } },
                        ...(spec.storage.class
                          ? { storageClassName: spec.storage.class }
                          : {}),
                      },
                    }),
              },
            }
          : {}),
      },
    },
    {
      ...(regions.length > 1
        ? {
            [TOPOLOGY_ANNOTATION]: `An independent instance in each of ${regions.join(
              ', ',
            )}: Dragonfly does not replicate between regions; each snapshots under its own region's prefix.`,
          }
        : {}),
      // Each region's instance snapshots itself.
      ...backupWiring(claim, target, {
        schedules: true,
        supported: !target || target.scheme === 's3',
      }),
      ...notesAnnotation(notes),
    },
  );
  return [dragonflyResource, ...certificate.resources];
}

/** DragonflyDB on the Dragonfly operator. */
export const dragonfly: EngineRenderer = {
  render,
  podSelector: instancePods,
  clientPorts: [6379],
  metrics: {
    selector: instancePods,
    port: 9999,
    path: '/metrics',
    series: ENGINE_EXPORTER_SERIES.dragonfly,
  },
};
