import {
  BACKUP_CREDENTIALS_SECRET,
  BACKUP_SECRET_KEYS,
  backupTarget,
  backupWiring,
} from '../backup';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { nodeSelector, topologySpread } from '../placement';
import { claimRegions, regionShare } from '../regions';
import { containerResources } from '../sizes';
import { PASSWORD_KEY, credentialsSecret } from '../credentials';
import { engineRelease } from '../images';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';

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
 * region of a multi-region claim runs its own, independent instance.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name } = claim.metadata;
  const regions = claimRegions(spec);
  const instance = spec.resources.instance;
  const replicas = regionShare(spec, instance.replicas, ctx.pop);
  const target = backupTarget(claim, ctx);
  const s3 = target?.scheme === 's3' ? target : undefined;
  const tls = spec.networking?.tls;
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
  if (tls?.enabled && !tls.certificate) {
    notes.push(
      'Dragonfly serves TLS only with a certificate: set networking.tls.certificate.',
    );
  }
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
  const snapshotDir = s3
    ? `s3://${s3.bucket}${s3.prefix ? `/${s3.prefix}` : ''}`
    : undefined;

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
        ...(tls?.enabled && tls.certificate
          ? { tlsSecretRef: { name: tls.certificate } }
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
            )}: Dragonfly does not replicate between regions.`,
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
  return [dragonflyResource];
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
    connections: 'dragonfly_connected_clients',
    queries: 'dragonfly_commands_processed_total',
  },
};
