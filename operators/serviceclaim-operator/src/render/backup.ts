import {
  CLAIM_ANNOTATIONS,
  DBAAS_LABELS,
  retentionMs,
} from '@internal/backstage-plugin-dbaas-common';
import type { EngineRenderer } from './engines/engineRenderer';
import type { ClaimObject, RenderContext, RenderedResource } from './types';

/**
 * The Secret, in the tenant's namespace, holding the object-storage credentials
 * every engine's backups use. The platform delivers it (one per tenant namespace);
 * the keys each engine reads are listed in BACKUP_SECRET_KEYS and docs/engines.md.
 */
export const BACKUP_CREDENTIALS_SECRET = 'dbaas-backup-credentials';

/** Keys of the backup credentials Secret, named after the variables the tools read. */
export const BACKUP_SECRET_KEYS = {
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  /** The same S3 keys as an AWS shared-credentials file (Vitess, Aerospike). */
  awsCredentialsFile: 'credentials',
  gcsCredentialsJson: 'GCS_CREDENTIALS_JSON',
  azureSasToken: 'AZURE_STORAGE_SAS_TOKEN',
  azureStorageKey: 'AZURE_STORAGE_KEY',
  /** GCS service account and Azure account as Percona Backup for MongoDB reads them. */
  gcsClientEmail: 'GCS_CLIENT_EMAIL',
  gcsPrivateKey: 'GCS_PRIVATE_KEY',
  azureStorageAccountName: 'AZURE_STORAGE_ACCOUNT_NAME',
  azureStorageAccountKey: 'AZURE_STORAGE_ACCOUNT_KEY',
  /** Scylla Manager Agent's configuration with the storage provider's keys. */
  scyllaAgentConfig: 'scylla-manager-agent.yaml',
} as const;

const DEFAULT_S3_REGION = 'us-east-1';

/**
 * Where a claim's backups go. URLs are `s3://bucket/prefix`, `gs://bucket/prefix`
 * or `azure://account/container/prefix`; an S3 URL may end in `?region=<region>`.
 */
export type BackupTarget = {
  /** The destination as the claim (or the PoP default) gives it, without query. */
  url: string;
  scheme: 's3' | 'gs' | 'azure';
  /** S3 or GCS bucket; the Azure container. */
  bucket: string;
  /** Path inside the bucket, without leading or trailing slash; may be empty. */
  prefix: string;
  /** S3 only. */
  region: string;
  /** Azure only: the storage account. */
  account?: string;
};

/**
 * The claim's backup target, or undefined when backups are off or there is
 * nowhere to put them (no destination and no PoP default).
 */
export function backupTarget(
  claim: ClaimObject,
  ctx: RenderContext,
): BackupTarget | undefined {
  return targetOf(claim, ctx, claim.metadata.labels?.[DBAAS_LABELS.serviceId]);
}

/**
 * Every database's backups have a folder of their own, `<name>-<database id>`,
 * under the destination its claim names or else under the PoP's default
 * destination and its namespace. So a database deleted and made again under
 * the same name, or restored next to its source, never shares a place with
 * another (CloudNativePG refuses to archive into a non-empty one; PBM would
 * list the other's backups as its own), and a deleted database's backups stay
 * where a restore finds them. A claim without an id (applied by hand) gets
 * `<name>`.
 */
function targetOf(
  claim: ClaimObject,
  ctx: RenderContext,
  databaseId: string | undefined,
): BackupTarget | undefined {
  const { backup } = claim.spec;
  if (!backup.enabled) return undefined;
  const defaultRoot = ctx.backupDestinationDefault?.replace(/\/+$/, '');
  const root =
    backup.destination ??
    (defaultRoot ? `${defaultRoot}/${claim.metadata.namespace}` : undefined);
  if (!root) return undefined;
  const match = /^(s3|gs|azure):\/\/([^?]+)(\?region=([a-z0-9-]+))?$/.exec(
    root,
  );
  if (!match) return undefined;
  const scheme = match[1] as BackupTarget['scheme'];
  const folder = `${claim.metadata.name}${databaseId ? `-${databaseId}` : ''}`;
  const parts = [...match[2].split('/').filter(Boolean), folder];
  const url = `${scheme}://${parts.join('/')}`;
  const region = match[4] ?? DEFAULT_S3_REGION;
  if (scheme === 'azure') {
    const [account, container, ...rest] = parts;
    // The folder is never the container: an Azure root names one.
    if (rest.length === 0) return undefined;
    return {
      url,
      scheme,
      account,
      bucket: container,
      prefix: rest.join('/'),
      region,
    };
  }
  const [bucket, ...rest] = parts;
  if (rest.length === 0) return undefined;
  return { url, scheme, bucket, prefix: rest.join('/'), region };
}

/** An Azure target as the https URL of its blob container (CloudNativePG, YugabyteDB). */
export function azureBlobUrl(target: BackupTarget): string {
  return `https://${target.account}.blob.core.windows.net/${target.bucket}${
    target.prefix ? `/${target.prefix}` : ''
  }`;
}

/**
 * A five-field cron expression with a leading seconds field, for robfig/cron
 * schedulers that expect six (CloudNativePG's ScheduledBackup).
 */
export function cronWithSeconds(cron: string): string {
  return `0 ${cron.trim()}`;
}

/** A claim retention (`14d`, `36h`) in whole days, rounded up. */
export function retentionDays(retention: string): number {
  const amount = Number(retention.slice(0, -1));
  return retention.endsWith('h') ? Math.ceil(amount / 24) : amount;
}

// A claim retention in milliseconds: the one definition is dbaas-common's.
export { retentionMs };

/**
 * How many scheduled backups a retention keeps, for tools that count backups
 * instead of ageing them (Scylla Manager).
 */
export function backupsKept(schedule: string, retention: string): number {
  const [minute, hour, dayOfMonth, , dayOfWeek] = schedule.trim().split(/\s+/);
  const count = (field: string, size: number) => {
    if (field === '*') return size;
    const step = /^\*\/(\d+)$/.exec(field);
    if (step) return Math.ceil(size / Number(step[1]));
    return field.split(',').length;
  };
  const perDay =
    count(minute, 60) *
    count(hour, 24) *
    (dayOfMonth === '*' && dayOfWeek === '*' ? 1 : 1 / 7);
  return Math.max(1, Math.ceil((retentionMs(retention) / 86_400_000) * perDay));
}

/**
 * Label on an engine's on-demand backup object naming the portal's backup it
 * was made for, so its outcome is reported under that id.
 */
export const BACKUP_ID_LABEL = 'dbaas.io/backup-id';

/**
 * The portal's id of the manual backup the claim requests (its
 * `dbaas.io/backup-request`), or undefined when it names none or something
 * that is not a backup id (the portal writes UUIDs; anything else is not a
 * request it made).
 */
export function requestedBackupId(claim: ClaimObject): string | undefined {
  const value = claim.metadata.annotations?.[CLAIM_ANNOTATIONS.backupRequest];
  return value && /^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(value)
    ? value
    : undefined;
}

/**
 * Annotation on the engine resource saying how the claim's backups are wired in
 * this PoP, for the status to report without guessing from the engine's spec.
 */
export const BACKUP_ANNOTATION = 'dbaas.io/backup';

/** The values of BACKUP_ANNOTATION. */
export type BackupWiring =
  /** This PoP's resources schedule the claim's backups. */
  | 'scheduled'
  /** Another region's resources schedule them (the claim's primary). */
  | 'primary-region'
  | 'disabled'
  /** Enabled, but neither the claim nor the PoP names a destination. */
  | 'no-destination'
  /** The engine's operator cannot back up to this destination, or at all. */
  | 'not-supported';

/** How the claim's backups are wired here, as BACKUP_ANNOTATION says it. */
export function backupWiring(
  claim: ClaimObject,
  target: BackupTarget | undefined,
  here: { schedules: boolean; supported?: boolean },
): Record<string, BackupWiring> {
  const wiring = ((): BackupWiring => {
    if (!claim.spec.backup.enabled) return 'disabled';
    if (here.supported === false) return 'not-supported';
    if (!target) return 'no-destination';
    return here.schedules ? 'scheduled' : 'primary-region';
  })();
  return { [BACKUP_ANNOTATION]: wiring };
}

/**
 * Thrown where a claim restores from a source whose archive the operator
 * cannot locate; the claim reads Failed (RenderFailed) rather than come up as
 * an empty database.
 */
export class RestoreSourceUnavailableError extends Error {}

/** What a claim restores from, as its spec says it. */
export type Restore = NonNullable<ClaimObject['spec']['restore']>;

/**
 * Where the source's backups are: its target as the source claim itself
 * computes it (backupTarget), under the destination it named or the PoP
 * default, in its folder `<source>-<source id>`. The restored database is in the
 * source's primary region, so this PoP's default is the one the source used.
 * Works as well for a source deleted since: its backups stay in its place.
 */
export function restoreSourceTarget(
  claim: ClaimObject,
  ctx: RenderContext,
  restore: Restore,
): BackupTarget {
  const source: ClaimObject = {
    ...claim,
    metadata: { ...claim.metadata, name: restore.source },
    spec: {
      ...claim.spec,
      backup: {
        enabled: true,
        ...(restore.destination ? { destination: restore.destination } : {}),
      },
    },
  };
  const target = targetOf(source, ctx, restore.sourceId);
  if (target && target.url === backupTarget(claim, ctx)?.url) {
    // Only where neither claim carries an id (claims applied by hand).
    throw new RestoreSourceUnavailableError(
      `Cannot restore from ${restore.source} into ${claim.metadata.name}: its backups would go to the same place as the source's (${target.url}); choose another name`,
    );
  }
  if (!target) {
    throw new RestoreSourceUnavailableError(
      restore.destination
        ? `Cannot restore from ${restore.source}: its backup destination ${restore.destination} (spec.restore.destination) is not one the operator can read (s3://bucket/path, gs://bucket/path or azure://account/container/path)`
        : `Cannot restore from ${restore.source}: its backup destination is unknown, as spec.restore.destination is unset and PoP ${ctx.pop} has no default backup destination (the operator's backupDestinationDefault)`,
    );
  }
  return target;
}

/**
 * The final and manual backups of an engine whose on-demand backup is an
 * object of its own (`make(claim, name)`) that reports its completion: the
 * final one `<claim>-final` where the claim's primary runs, a manual one
 * `<claim>-<backup id>` labelled with the portal's id so its outcome is
 * reported under it. Neither when there is nowhere to put it.
 */
export function onDemandBackups(
  make: (claim: ClaimObject, name: string) => RenderedResource,
): Required<Pick<EngineRenderer, 'finalBackup' | 'backupRequest'>> {
  return {
    finalBackup(claim, ctx) {
      if (ctx.pop !== claim.spec.region || !backupTarget(claim, ctx)) {
        return undefined;
      }
      return make(claim, `${claim.metadata.name}-final`);
    },
    backupRequest(claim, ctx, backupId) {
      if (!backupTarget(claim, ctx)) {
        return {
          kind: 'unavailable',
          reason:
            'There is no backup destination: set spec.backup.destination, or the PoP default.',
        };
      }
      const backup = make(claim, `${claim.metadata.name}-${backupId}`);
      backup.metadata.labels[BACKUP_ID_LABEL] = backupId;
      return { kind: 'create', resource: backup };
    },
  };
}
