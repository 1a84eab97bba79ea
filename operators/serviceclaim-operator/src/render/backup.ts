import {
  CLAIM_ANNOTATIONS,
  retentionMs,
} from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject, RenderContext } from './types';

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
  const { backup } = claim.spec;
  if (!backup.enabled) return undefined;
  const root = ctx.backupDestinationDefault?.replace(/\/+$/, '');
  const destination =
    backup.destination ??
    (root
      ? `${root}/${claim.metadata.namespace}/${claim.metadata.name}`
      : undefined);
  if (!destination) return undefined;
  const match = /^(s3|gs|azure):\/\/([^?]+)(\?region=([a-z0-9-]+))?$/.exec(
    destination,
  );
  if (!match) return undefined;
  const scheme = match[1] as BackupTarget['scheme'];
  const parts = match[2].split('/').filter(Boolean);
  const url = `${scheme}://${parts.join('/')}`;
  const region = match[4] ?? DEFAULT_S3_REGION;
  if (scheme === 'azure') {
    const [account, container, ...rest] = parts;
    if (!container) return undefined;
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
 * computes it (backupTarget), from the destination it named or the PoP
 * default `<root>/<namespace>/<source>`. The restored database is in the
 * source's primary region, so this PoP's default is the one the source used.
 */
export function restoreSourceTarget(
  claim: ClaimObject,
  ctx: RenderContext,
  restore: Restore,
): BackupTarget {
  if (restore.source === claim.metadata.name) {
    // Its own backups would go under the same default path as the source's:
    // CloudNativePG refuses to archive into a non-empty place, and PBM would
    // list the source's backups as its own.
    throw new RestoreSourceUnavailableError(
      `Cannot restore from ${restore.source} into a database of the same name: its backups would be archived over the source's; choose another name`,
    );
  }
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
  const target = backupTarget(source, ctx);
  if (target) return target;
  throw new RestoreSourceUnavailableError(
    restore.destination
      ? `Cannot restore from ${restore.source}: its backup destination ${restore.destination} (spec.restore.destination) is not one the operator can read (s3://bucket/path, gs://bucket/path or azure://account/container/path)`
      : `Cannot restore from ${restore.source}: its backup destination is unknown, as spec.restore.destination is unset and PoP ${ctx.pop} has no default backup destination (the operator's backupDestinationDefault)`,
  );
}
