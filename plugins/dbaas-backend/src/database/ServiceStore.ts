import type {
  ClaimFootprint,
  ClaimPhase,
  ListServicesQuery,
  Page,
  ServiceClaimSpec,
  ServiceClaimStatus,
  TenantQuota,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { AccessFilter } from '../permissions/accessFilter';

export type { TenantQuota };

/**
 * What a tenant's live databases use together: their footprint and their CDC
 * pipelines (restore drills' scratch databases are the platform's).
 */
export type TenantUsage = ClaimFootprint & { cdcPipelines: number };

/** How many live databases of an engine and phase have a share in a region. */
export type RegionHoldings = {
  region: string;
  engine: string;
  status: ClaimPhase;
  count: number;
};

/** A database as the control plane records it. */
export type ServiceRecord = {
  id: string;
  tenant: string;
  organization: string;
  name: string;
  status: ClaimPhase;
  spec: ServiceClaimSpec;
  /** What the cluster last reported, once it has. */
  reported?: ServiceClaimStatus;
  /** Where the claim is in the GitOps repository, once committed (or proposed) there. */
  gitops?: {
    path: string;
    commitSha: string;
    commitUrl?: string;
    pullRequestUrl?: string;
  };
  footprint: ClaimFootprint;
  generation: number;
  /** The latest manual backup requested through the claim (its backup id). */
  backupRequest?: string;
  /**
   * The primary's first completed backup (engine id), committed in the claim
   * for the replica regions of a multi-region PostgreSQL database.
   */
  primaryBackup?: string;
  /**
   * A restore drill's scratch database: it counts against the platform's
   * drill budget, not its tenant's quota (drills/RestoreDrills).
   */
  drill?: true;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** When it was deleted; only deleted databases have it. */
  deletedAt?: string;
};

/**
 * What a cluster said about a claim (see status/ClaimWatcher); or, where the
 * portal watches no cluster, a claim's removal committed to the GitOps
 * repository, which nothing else could confirm (see status/startStatusWatch).
 */
/**
 * What a cluster report changed or finished, for the portal's SLIs
 * (status/sliMetrics) and the owning team's notifications (PhaseNotifier).
 */
export type ReportOutcomes = {
  /** The database the report is about. */
  service: { id: string; tenant: string; name: string };
  /** The database's engine. */
  engine: string;
  /**
   * Its phase, when the report changed it (never out of Deleting), with the
   * cluster's Ready message.
   */
  phase?: { from: string; to: string; detail?: string };
  /**
   * Its provisioning, when the report ended it: Active or Failed after
   * Pending or Provisioning, with the seconds since it was ordered.
   */
  provisioned?: { outcome: 'active' | 'failed'; seconds: number };
  /** Its backups the report saw complete or fail. */
  backups: ('completed' | 'failed')[];
};

export type ClaimEvent = {
  /**
   * The cluster's name in the `kubernetes` config. Unset only for a removal
   * confirmed by its commit: no cluster said it.
   */
  cluster?: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The portal's database id, from the claim's `dbaas.io/service-id` label. */
  serviceId: string;
  /** Where the claim is: only its database's namespace and name are believed. */
  namespace: string;
  name: string;
  /** The spec generation the cluster has; compare with `status.observedGeneration`. */
  generation?: number;
  /**
   * The portal's generation of the spec the cluster has (the claim's
   * `dbaas.io/generation` annotation): Kubernetes' own restarts at 1 when a claim
   * is re-created and moves on edits made in the cluster.
   */
  portalGeneration?: number;
  /** Undefined when the claim has no status yet, or one that does not parse. */
  status?: ServiceClaimStatus;
  /** When the portal learnt of it. */
  observedAt: Date;
  /** Why the portal believes it, when no cluster said it: the timeline step's detail. */
  detail?: string;
};

/** What Argo CD said it could not sync, for ServiceStore.recordSyncFailure. */
export type SyncFailureReport = {
  /** The tenant (catalog group ref) whose Application failed. */
  tenant: string;
  /** The PoP the Application syncs to. */
  cluster: string;
  message: string;
  /**
   * The databases (claim names) Argo CD named. Without, every live database of
   * the tenant whose latest generation has no `synced` step from `cluster`,
   * but those in `except` (claims the sync did apply).
   */
  claims?: string[];
  except?: string[];
  at: Date;
};

/**
 * Runs inside a mutation's transaction, after the change: where the audit event
 * goes into the outbox, so the change and its record commit or fail together.
 */
export type InTransaction<T> = (
  tx: Knex.Transaction,
  result: T,
) => Promise<void>;

/** A live database as its price sees it (ServiceStore.listCommitments). */
export type DatabaseCommitment = {
  tenant: string;
  engine: ServiceClaimSpec['engine'];
  plan: ServiceClaimSpec['plan'];
  footprint: { cpu: number; memoryGi: number; storageGi: number };
};

/** Databases and quotas, with quota checks in the same transaction as the change. */
export interface ServiceStore {
  /**
   * Records a new database as Pending. Throws QuotaExceededError when the tenant's
   * quota would be exceeded, ConflictError when the name is taken in the tenant.
   * A drill's scratch database is not held to the quota.
   */
  createService(
    input: {
      tenant: string;
      organization: string;
      name: string;
      spec: ServiceClaimSpec;
      createdBy: string;
      drill?: boolean;
    },
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord>;
  /**
   * Throws what createService would throw for the new database (its spec
   * outside the platform's limits, its name taken, the quota exceeded, a CDC
   * pipeline refused), writing nothing: the check of a dry run.
   */
  checkCreate(input: {
    tenant: string;
    name: string;
    spec: ServiceClaimSpec;
  }): Promise<void>;
  /**
   * A live database the filter lets through, or undefined; with
   * `includeDeleted`, a deleted one too (for its backups and restores).
   */
  getService(
    id: string,
    filter?: AccessFilter,
    options?: { includeDeleted?: boolean },
  ): Promise<ServiceRecord | undefined>;
  listServices(
    query: ListServicesQuery,
    filter?: AccessFilter,
  ): Promise<Page<ServiceRecord>>;
  /** The tenants of the live databases the filter lets through. */
  listTenantsWithServices(filter: AccessFilter): Promise<string[]>;
  /**
   * Throws what updateSpec would throw for the new spec (the database being
   * deleted, the platform's limits, the quota, a CDC pipeline refused),
   * writing nothing: the check of a dry run.
   */
  checkUpdate(input: {
    id: string;
    spec: ServiceRecord['spec'];
  }): Promise<void>;
  /**
   * Replaces the spec of a database at the given generation and bumps it. Growth
   * is checked against the quota in the same transaction; ConflictError when the
   * database changed meanwhile or is being deleted, or when a CDC pipeline it
   * adds captures a table another live database of the tenant captures (its
   * topic names no database; see tenantCdcPipelines).
   */
  updateSpec(
    input: {
      id: string;
      generation: number;
      spec: ServiceClaimSpec;
    },
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord>;
  /** Marks a database Deleting; it counts against the quota until removed. */
  markDeleting(
    id: string,
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord>;
  getQuota(tenant: string): Promise<TenantQuota>;
  setQuota(
    tenant: string,
    quota: TenantQuota,
    inTransaction?: InTransaction<TenantQuota>,
  ): Promise<void>;
  /** What the tenant's live databases use together. */
  getUsage(tenant: string): Promise<TenantUsage>;
  /**
   * The quota and usage of each tenant, in the tenants' order, read with the
   * same number of statements for one tenant as for an organization's 10,000.
   */
  listQuotaUsage(
    tenants: string[],
  ): Promise<{ quota: TenantQuota; usage: TenantUsage }[]>;
  /**
   * What the tenants' live databases are committed to, one entry each: what
   * their monthly cost is priced from. Drills' scratch databases are the
   * platform's and are left out, as from the quota.
   */
  listCommitments(tenants: string[]): Promise<DatabaseCommitment[]>;
  /**
   * How many live databases have a share in each region (PoP), by engine and
   * phase: a database in several regions counts in each. For the platform
   * screen; reads every live database's regions.
   */
  countLiveByRegion(): Promise<RegionHoldings[]>;
  /**
   * Live databases that are Failed, or Pending, Provisioning or Deleting and
   * unchanged since `stuckBefore` (see TroubledDatabase): the longest
   * unchanged first, at most `limit`, and how many there are in all.
   */
  listTroubled(options: {
    stuckBefore: Date;
    limit: number;
  }): Promise<{ records: ServiceRecord[]; total: number }>;
  /**
   * A database as its claim is rendered from, deleted or not (`live` is false
   * once it is gone), or undefined for an id the portal never had.
   */
  getClaimState(
    id: string,
  ): Promise<{ record: ServiceRecord; live: boolean } | undefined>;
  /** The live databases by id, a page at a time (after `afterId`), for comparing the GitOps repository. */
  listLive(
    afterId: string | undefined,
    limit: number,
  ): Promise<ServiceRecord[]>;
  /**
   * Records where claims went in the GitOps repository, and runs
   * `inTransaction` in the same transaction.
   */
  recordCommits(
    commits: { id: string; gitops: NonNullable<ServiceRecord['gitops']> }[],
    inTransaction?: (tx: Knex.Transaction) => Promise<void>,
  ): Promise<void>;
  /**
   * Records a manual backup requested through the claim, inside the
   * transaction of the backup's record; returns the database as it is now,
   * which its claim is rendered from. NotFoundError when it is gone.
   */
  setBackupRequest(
    tx: Knex.Transaction,
    id: string,
    backupId: string,
  ): Promise<ServiceRecord>;
  /**
   * Records the primary's first completed backup (its engine id) that the
   * replica regions start from, once: resolves to the database as it is then,
   * or undefined when it has one already or is deleted or being deleted.
   */
  setPrimaryBackup(
    id: string,
    engineBackupId: string,
    inTransaction?: InTransaction<ServiceRecord>,
  ): Promise<ServiceRecord | undefined>;
  /**
   * Records what a cluster reported about a database's claim (see
   * status/ClaimStatusRecorder); resolves to the database as it is now when
   * anything a user would see changed, else undefined. `watched` are the
   * clusters the portal watches: a database in several PoPs is Active once
   * each watched cluster of its regions says so, and gone once every cluster
   * that had it has reported it gone. `outcomes` hears, once the report is
   * recorded, what it finished: a provisioning or backups (only the replica
   * that recorded the change hears it, so each is heard once).
   */
  recordClusterReport(
    event: ClaimEvent,
    watched?: string[],
    outcomes?: (outcomes: ReportOutcomes) => void,
  ): Promise<ServiceRecord | undefined>;
  /**
   * Records that Argo CD could not sync a tenant's claims to a cluster (see
   * argocd/syncFailures): a `sync-failed` step, with the message as its
   * detail, on the latest generation of each database it concerns, once per
   * generation, cluster and message. Resolves to the databases that got one.
   */
  recordSyncFailure(failure: SyncFailureReport): Promise<ServiceRecord[]>;
}
