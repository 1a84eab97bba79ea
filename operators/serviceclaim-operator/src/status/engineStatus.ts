import type {
  ClaimBackupReport,
  ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject } from '../render/types';

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

/** Objects of one kind in the claim's namespace, by label selector. */
export type BackupSource = {
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
  sources(claim: ClaimObject): BackupSource[];
  /**
   * The claim's backups among `objects`, in any order; objects that are not
   * the claim's backups (made by hand, of another cluster) are left out.
   */
  reports(objects: ObservedResource[], claim: ClaimObject): ClaimBackupReport[];
};

/** What claimStatusFrom needs from each engine. */
export type EngineStatusReader = {
  /** The kind of the engine's own resource (YBUniverse, Cluster, ...). */
  kind: string;
  /**
   * Health from the engine resource's own status and, for engines whose
   * progress is in other objects the claim renders (a restore), those among
   * `observed`: everything read back in this PoP, the resource included.
   */
  health(
    resource: ObservedResource,
    claim: ClaimObject,
    observed?: ObservedResource[],
  ): EngineHealth;
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
