import type {
  ClaimBackupReport,
  ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import { BACKUP_ID_LABEL } from '../render/backup';
import { MANAGED_BY } from '../render/common';
import type { ClaimObject } from '../render/types';
import { CONDITION_TYPES } from './conditions';

/**
 * An engine resource as read back from the cluster (the object server-side
 * apply returned, or a read). Any KubernetesObject fits.
 */
export type ObservedResource = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: Date | string;
  };
  spec?: unknown;
  status?: unknown;
};

/**
 * How an engine's cluster is doing, in the words of the claim: `serving` covers
 * everything that takes connections (ready, updating, degraded).
 */
export type EngineHealth = {
  state: 'provisioning' | 'ready' | 'updating' | 'degraded' | 'failed';
  /** A CamelCase reason for the conditions. */
  reason: string;
  /** What the engine's operator says, for people. */
  message: string;
};

/** Whether the claim's backups are actually running, when the engine can tell. */
export type BackupHealth = {
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
};

export type Connection = NonNullable<ServiceClaimStatus['connection']>;

/**
 * Objects of one kind in the claim's namespace, by label selector: an engine's
 * backups, or what its operator makes that the status reads.
 */
export type ObjectSource = {
  apiVersion: string;
  kind: string;
  labelSelector: string;
};

/**
 * How an engine's backup objects (those its operator makes on a schedule and
 * those the ServiceClaim operator asks for) read as the claim's backups.
 */
export type EngineBackupReader = {
  /** Where the claim's backup objects are; read on every reconcile. */
  sources(claim: ClaimObject): ObjectSource[];
  /**
   * The claim's backups among `objects`, in any order; objects that are not
   * the claim's backups (made by hand, of another cluster) are left out.
   */
  reports(objects: ObservedResource[], claim: ClaimObject): ClaimBackupReport[];
  /**
   * Set for engines whose backup objects the ServiceClaim operator deletes
   * once they outlive the claim's retention (their reports are the objects'
   * names). `dataFinalizer` is the finalizer the operator adds first where
   * deleting the object must also make the engine's operator delete the
   * backup's data, because the engine's own retention does not cover it.
   */
  expires?: { dataFinalizer?: string };
};

/** What claimStatusFrom needs from each engine. */
export type EngineStatusReader = {
  /** The kind of the engine's own resource (YBUniverse, Cluster, ...). */
  kind: string;
  /**
   * Health from the engine resource's own status and, for engines whose
   * progress is in other objects (a restore the claim renders, what
   * {@link EngineStatusReader.related} names), those among `observed`:
   * everything read back in this PoP, the resource included. `before` is the
   * claim's status as last written, for engines whose own status cannot tell
   * a database being built from one that lost members (see {@link wasServing}).
   */
  health(
    resource: ObservedResource,
    claim: ClaimObject,
    observed?: ObservedResource[],
    before?: ServiceClaimStatus,
  ): EngineHealth;
  /**
   * Objects the engine's operator makes for its resource that `health` reads
   * (they are neither rendered nor owned by the claim, so nothing else reads
   * them); read on every reconcile and passed in `observed`.
   */
  related?(claim: ClaimObject): ObjectSource[];
  /**
   * Where this PoP holds no engine resource for the claim on purpose, for a
   * while (a replica region waiting for the primary's first backup): how
   * that reads. Undefined otherwise: the PoP has no share of the claim.
   */
  absent?(claim: ClaimObject): EngineHealth | undefined;
  /**
   * Backup health when this PoP schedules the backups, from the engine resource
   * and its backup resources among `observed`.
   */
  backup(
    resource: ObservedResource,
    observed: ObservedResource[],
    claim: ClaimObject,
  ): BackupHealth;
  /** The engine's backup objects, for engines whose operator has them. */
  backups?: EngineBackupReader;
  /** Where clients connect; undefined while the engine has not said. */
  connection(
    resource: ObservedResource,
    claim: ClaimObject,
  ): Connection | undefined;
};

/** A resource's status as a record, whatever was read. */
export function statusOf(resource: ObservedResource): Record<string, any> {
  const status = resource.status;
  return status && typeof status === 'object'
    ? (status as Record<string, any>)
    : {};
}

/** A resource's spec as a record, whatever was read. */
export function specOf(resource: ObservedResource): Record<string, any> {
  const spec = resource.spec;
  return spec && typeof spec === 'object' ? (spec as Record<string, any>) : {};
}

/** The observed resources of a kind. */
export function ofKind(
  observed: ObservedResource[],
  kind: string,
): ObservedResource[] {
  return observed.filter(o => o.kind === kind);
}

/** A Kubernetes-style condition from a status's conditions, by type. */
export function conditionOf(
  status: Record<string, any>,
  type: string,
): { status?: string; reason?: string; message?: string } | undefined {
  const conditions = Array.isArray(status.conditions) ? status.conditions : [];
  return conditions.find((c: { type?: string }) => c?.type === type);
}

/** Backups declared in the engine's spec but not reported on by its operator. */
export const DECLARED: BackupHealth = {
  status: 'True',
  reason: 'ScheduleDeclared',
  message:
    'The backup schedule is in the engine resource; its operator reports no backup status.',
};

/**
 * Whether the claim's status as last written said it takes connections
 * (Ready=True: ready, updating or degraded). The claim keeps it across
 * restarts of the operator, so it tells a database that lost members from one
 * still being built where the engine's own status cannot.
 */
export function wasServing(before: ServiceClaimStatus | undefined): boolean {
  return (
    before?.conditions?.some(
      c => c.type === CONDITION_TYPES.ready && c.status === 'True',
    ) ?? false
  );
}

/**
 * What a backup object this operator made for the claim is: a manual backup
 * (by the portal's backup id on it) or the claim's final one; undefined for
 * objects it did not make.
 */
export function requestedBackupType(
  backup: ObservedResource,
  claim: { metadata: { name: string } },
): Pick<ClaimBackupReport, 'type' | 'backupId'> | undefined {
  const labels = backup.metadata?.labels ?? {};
  if (labels['app.kubernetes.io/managed-by'] !== MANAGED_BY) return undefined;
  if (labels[BACKUP_ID_LABEL]) {
    return { type: 'manual', backupId: labels[BACKUP_ID_LABEL] };
  }
  if (backup.metadata?.name === `${claim.metadata.name}-final`) {
    return { type: 'final' };
  }
  return undefined;
}

/** The label selector of the backup objects this operator makes for the claim. */
export function requestedBackupsSelector(claim: {
  metadata: { name: string };
}): string {
  return `app.kubernetes.io/managed-by=${MANAGED_BY},app.kubernetes.io/instance=${claim.metadata.name}`;
}
