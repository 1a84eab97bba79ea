import type { MonthlyPrice } from '../cost/monthlyPrice';
import type { BackupCapabilities } from '../catalog/backupCapabilities';
import type { EngineId, PlanId, RegionId } from '../catalog/schema';
import type { CdcCapability, CdcTableForm } from '../cdc/cdcCapabilities';
import type { CdcAccess, CdcMeasures } from '../cdc/cdcPipelineSchema';
import type { ClaimFootprint } from '../claim/claimFootprint';
import type { ServiceClaimSpec } from '../claim/serviceClaimSpec';
import type { ServiceClaimStatus } from '../claim/serviceClaimStatus';
import type { ClaimFileChange } from '../gitops/claimFileChange';
import type { DbaasRole } from '../tenancy/roles';
import type { TenantQuota } from './serviceRequests';
import type { ServiceStatus } from './serviceStatus';

/** A database in lists (`GET /services`). @public */
export type ServiceSummary = {
  id: string;
  name: string;
  tenant: string;
  organization: string;
  engine: EngineId;
  plan: PlanId;
  region: RegionId;
  sku?: string;
  status: ServiceStatus;
  createdAt: string;
  updatedAt: string;
  /** When it was deleted (lists with `deleted=true`); its backups outlive it. */
  deletedAt?: string;
  /**
   * A deleted database's backup retention (`config.backup.retention`, or the
   * default): how long its backups stay restorable.
   */
  backupRetention?: string;
  /**
   * Its CDC pipelines (`config.cdc.pipelines`) with their tables' topics, in
   * the order they were added; absent when it has none, and once deleted.
   */
  cdcPipelines?: CdcPipelineSummary[];
  /**
   * What it costs a month at the configured prices (`dbaas.pricing`), as
   * ordered; absent when no prices are configured or its plan has none, and
   * once deleted.
   */
  monthlyPrice?: MonthlyPrice;
};

/**
 * A CDC pipeline as a database's summary shows it: its tables and their
 * topics (cdcTopic), in the same order; its state is on
 * `GET /services/{id}/cdc-pipelines`.
 * @public
 */
export type CdcPipelineSummary = Pick<
  CdcPipelineView,
  'name' | 'tables' | 'topics'
>;

/** A database with its desired config and what the cluster reported (`GET /services/{id}`). @public */
export type ServiceDetails = ServiceSummary & {
  /** The claim's spec generation; bumped by every config change. */
  generation: number;
  /** The generation the cluster last acted on, once it has. */
  observedGeneration?: number;
  config: ServiceClaimSpec;
  connection: ServiceClaimStatus['connection'] | null;
  endpoints: NonNullable<ServiceClaimStatus['endpoints']>;
  conditions: NonNullable<ServiceClaimStatus['conditions']>;
  createdBy: string;
  /**
   * Where the claim is in the GitOps repository, once committed there. With the
   * portal in pull request mode, the last change is proposed in
   * `pullRequestUrl` and `commitSha` is on that request's branch until merged.
   */
  gitops?: {
    path: string;
    commitSha: string;
    commitUrl?: string;
    pullRequestUrl?: string;
  };
  /** The way to the clusters and back, oldest first. */
  timeline: TimelineStep[];
  /** What the platform does with this database's backups (its engine's engineBackups). */
  backups: BackupCapabilities;
  /** The restore this database was made by, when it was. */
  restoredFrom?: Restore;
};

/**
 * A step of a database's provisioning, as the portal saw it. `sync-failed` is
 * Argo CD's: it could not sync the claim to the cluster, and says why in
 * `detail`; it retries, and `synced` follows once it can.
 * @public
 */
export type TimelineStep = {
  step:
    | 'committed'
    | 'synced'
    | 'sync-failed'
    | 'provisioning'
    | 'active'
    | 'failed'
    | 'deleted';
  /** The spec generation the step is about. */
  generation: number;
  at: string;
  /** The cluster (PoP) that reported it. */
  cluster?: string;
  detail?: string;
};

/** A page of a list. @public */
export type Page<T> = {
  data: T[];
  pagination: { page: number; limit: number; total: number };
};

/** The answer to PUT, DELETE, scale and restore: accepted, acted on asynchronously. @public */
export type ServiceChangeResponse = {
  id: string;
  status: ServiceStatus;
  generation: number;
  message: string;
};

/** A backup of a database. @public */
export type Backup = {
  id: string;
  serviceId: string;
  type: 'scheduled' | 'manual' | 'final';
  status: 'pending' | 'running' | 'completed' | 'failed';
  description?: string;
  sizeBytes?: number;
  startedAt?: string;
  completedAt?: string;
  /** What the cluster said about it, for people (why it failed, above all). */
  message?: string;
  createdBy: string;
  createdAt: string;
};

/**
 * A restore: a new database made from a backup of another (the engine
 * operators restore into a new cluster, never over a running one). @public
 */
export type Restore = {
  restoreId: string;
  /** The database whose backup is restored. */
  serviceId: string;
  backupId: string;
  /** The moment restored to, when not the backup's end. */
  pointInTime?: string;
  /**
   * The new database, and its name. Absent only on restores requested before
   * restores were built, which made none.
   */
  targetServiceId?: string;
  targetName?: string;
  /**
   * `pending` until the new database's claim is committed, `running` while it
   * comes up from the backup, `completed` once it was ready, `failed` when it
   * failed or was deleted before.
   */
  status: 'pending' | 'running' | 'completed' | 'failed';
  /** Why it failed, for people. */
  message?: string;
  createdBy: string;
  createdAt: string;
};

/**
 * A restore drill: the database's latest restorable backup restored into a
 * scratch database, which is deleted once it was ready (or failed). @public
 */
export type RestoreDrill = {
  id: string;
  serviceId: string;
  /** `running` until the scratch database was ready (`passed`) or not (`failed`). */
  status: 'running' | 'passed' | 'failed';
  /** The backup restored; absent when there was none to restore. */
  backupId?: string;
  /** The restore into the scratch database, and that database's name. */
  restoreId?: string;
  scratchName?: string;
  startedAt: string;
  finishedAt?: string;
  /** Recovery time: from the drill's start until the scratch database was ready. */
  rtoSeconds?: number;
  /** Recovery point: how old the restored backup was when the drill started. */
  rpoSeconds?: number;
  /** Why it failed, for people. */
  message?: string;
  /** Who asked for it: a user, or the portal's schedule. */
  requestedBy: string;
};

/** Time series of a database (`GET /services/{id}/metrics`). @public */
export type ServiceMetrics = {
  metrics: Record<
    'cpu' | 'memory' | 'disk' | 'connections' | 'qps',
    { timestamps: string[]; values: number[] }
  >;
};

/** A role granted to a user or group (`GET /organizations/{id}/members`). @public */
export type RoleGrant = {
  principal: string;
  role: DbaasRole;
  /** The tenant the role is limited to; absent for the whole organization. */
  tenant?: string;
  /**
   * Where the grant comes from: the API, or catalog team membership (the members
   * of a tenant's team are its service admins).
   */
  source: 'grant' | 'team';
  grantedBy?: string;
  grantedAt?: string;
};

/** An organization and its tenants (`GET /organizations`). @public */
export type Organization = {
  id: string;
  title: string;
  tenants: { id: string; title: string }[];
};

/** A tenant's limits and what its live databases use. @public */
export type TenantQuotaUsage = {
  tenant: string;
  quota: TenantQuota;
  usage: ClaimFootprint & {
    backups: number;
    /** The CDC pipelines its live databases declare together. */
    cdcPipelines: number;
  };
};

/**
 * `GET /organizations/{id}/quotas`: each tenant's limits and usage, and the
 * most any limit may be.
 * @public
 */
export type OrganizationQuotas = {
  data: TenantQuotaUsage[];
  /**
   * The platform's ceiling (`dbaas.quotas.ceiling`): nobody may set a limit
   * above it. A limit it leaves out has none.
   */
  ceiling: Partial<TenantQuota>;
};

/**
 * What `POST /services?dryRun=true` answers: the database the request would
 * order, checked as the order is, with nothing recorded or committed.
 * @public
 */
export type ServiceOrderPreview = {
  dryRun: true;
  name: string;
  /** The tenant: as requested, or the caller's one tenant when none was named. */
  tenant: string;
  organization: string;
  /** The ServiceClaim spec the database would get: the SKU with the request's config on top. */
  config: ServiceClaimSpec;
  /** Where its claim would be committed in the GitOps repository. */
  claimPath: string;
  /** What it would take out of the tenant's quota. */
  footprint: ClaimFootprint;
  /** The tenant's limits and what its live databases use now. */
  quota: TenantQuotaUsage;
  /** What the tenant could still use once this database is ordered. */
  quotaLeftAfter: Omit<TenantQuota, 'cdcPipelines'>;
  /**
   * What it would cost a month at the configured prices; absent when no
   * prices are configured or its plan has none.
   */
  monthlyPrice?: MonthlyPrice;
};

/**
 * What a change of a database answers with `dryRun=true` (`PUT
 * /services/{id}`, `POST /services/{id}/scale`, `DELETE /services/{id}`,
 * `POST /services/{id}/cdc-pipelines`, `POST /services/{id}/restore`): the
 * change checked as it would be made, and its claim file before and after,
 * with nothing recorded, audited or committed. A restore makes a new
 * database: the claim is the new one's (before: null) and the price its.
 * @public
 */
export type ServiceChangePreview = {
  dryRun: true;
  /** The database the request names (a restore's source). */
  id: string;
  /** What the change would do, such as `version 16 → 17`; or `Nothing to change`. */
  message: string;
  /**
   * The claim file in the GitOps repository, before (null: a new database's)
   * and after (null: removed).
   */
  claim: ClaimFileChange;
  /**
   * The monthly price now and after the change (none before a restore's new
   * database, none after a deletion); absent when no prices are configured.
   */
  monthlyPrice?: { before?: MonthlyPrice; after?: MonthlyPrice };
};

/** One audit event (`GET /audit-logs`), as published to `dbaas.audit.{tenant}`. @public */
export type AuditEvent = {
  id: string;
  tenant: string;
  /** The organization of the tenant. */
  organization?: string;
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  requestId: string;
  outcome: 'succeeded' | 'failed';
  details?: Record<string, unknown>;
  occurredAt: string;
};

/**
 * An audit event as `GET /audit-logs` lists it: with the database it is
 * about, where it is about one (the database itself, one of its backups, or
 * its alerts).
 * @public
 */
export type AuditLogEntry = AuditEvent & {
  database?: {
    id: string;
    name: string;
    tenant: string;
    /** Deleted since: it has no page any more. */
    deleted?: true;
  };
};

/**
 * A CDC pipeline of a database (`GET /services/{id}/cdc-pipelines`): what its
 * claim declares, and how it runs as the PoP reported it.
 * @public
 */
export type CdcPipelineView = {
  name: string;
  tables: string[];
  snapshot: 'initial' | 'never';
  /** What the user asked for. */
  paused: boolean;
  /**
   * How it runs: `pending` until its PoP reports it (committed, not yet
   * synced, or Kafka Connect not running it yet); `failed` with the
   * connector's reason in `message`.
   */
  state: 'pending' | 'running' | 'paused' | 'failed';
  message?: string;
  /** Its tables' topics, one per table (cdcTopic), in the order of `tables`. */
  topics: string[];
  /**
   * Where a change event too large for its topic goes instead, as a record of
   * why with the row's key and the change's position (docs/cdc.md).
   */
  deadLetterTopic: string;
  /** The Kafka Connect connector, once the PoP reported it. */
  connector?: string;
  /**
   * Its flow as its PoP's operator last read it in Kafka (lag, messages and
   * their rate per topic, dead letters, the tenant's consumer groups' lag).
   */
  measured?: CdcMeasures;
  /**
   * How the tenant's applications read its topics, as its PoP says: the
   * listener, the SASL mechanism, the principal and the consumer group
   * prefix (never the password).
   */
  access?: CdcAccess;
};

/**
 * A database's CDC pipelines (`GET /services/{id}/cdc-pipelines`), with what
 * its engine offers (engineCdc) and how it names a table (cdcTableForms), so
 * that the portal can say why it offers none and check a new pipeline's tables.
 * @public
 */
export type CdcPipelineList = {
  data: CdcPipelineView[];
  capability: CdcCapability;
  tableForm: CdcTableForm;
};

/** A request for a new CDC pipeline (`POST /services/{id}/cdc-pipelines`). @public */
export type CreateCdcPipelineRequest = {
  name: string;
  tables: string[];
  snapshot?: 'initial' | 'never';
};

/**
 * An organization on the platform screen: its tenants, each with its limits
 * and what its live databases use (in the tenants' order).
 * @public
 */
export type PlatformOrganization = Organization & {
  quotas: TenantQuotaUsage[];
};

/**
 * What a PoP holds: the live databases with a share in it (a database in
 * several regions counts in each), by engine and by phase.
 * @public
 */
export type PopHoldings = {
  /** The PoP's id, a region of the SKU catalog. */
  id: string;
  displayName: string;
  databases: number;
  byEngine: Partial<Record<EngineId, number>>;
  byPhase: Partial<Record<ServiceStatus, number>>;
};

/**
 * A database that needs a platform admin's eye: `failed`, or `stuck` in
 * pending, provisioning or deleting with no change recorded for
 * `PlatformOverview.stuckAfterMinutes`.
 * @public
 */
export type TroubledDatabase = {
  id: string;
  name: string;
  tenant: string;
  organization: string;
  engine: EngineId;
  /** Its primary PoP. */
  region: RegionId;
  status: ServiceStatus;
  problem: 'failed' | 'stuck';
  createdAt: string;
  /** When its row last changed (a phase, a spec, a report): how long it has been so. */
  since: string;
  /** The latest step of its timeline, with the cluster's or Argo CD's message. */
  lastStep?: TimelineStep;
};

/**
 * `GET /platform/overview`, for platform admins: every organization with its
 * tenants' usage against quota, the PoPs with the databases they hold, and the
 * failed and stuck databases across tenants, the longest in trouble first.
 * @public
 */
export type PlatformOverview = {
  organizations: PlatformOrganization[];
  /** The platform's ceiling on any limit (`dbaas.quotas.ceiling`). */
  ceiling: Partial<TenantQuota>;
  pops: PopHoldings[];
  /** At most `troubledLimit` of them, the longest in trouble first. */
  troubled: TroubledDatabase[];
  /** How many databases are failed or stuck, listed or not. */
  troubledTotal: number;
  /** A pending, provisioning or deleting database unchanged this long is stuck. */
  stuckAfterMinutes: number;
};
