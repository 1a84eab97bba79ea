import type { CatalogSku, SkuQuery } from '../catalog/skuQuery';
import type {
  OrganizationBudgets,
  SetBudgetRequest,
  TenantCost,
} from '../cost/tenantBudgets';
import type { Region } from '../catalog/schema';
import type {
  AuditLogQuery,
  CreateServiceRequest,
  GrantRoleRequest,
  ListServicesQuery,
  RestoreRequest,
  ScaleServiceRequest,
  SetQuotaRequest,
  UpdateServiceRequest,
} from '../api/serviceRequests';
import type {
  AuditLogEntry,
  Backup,
  CdcPipelineList,
  CdcPipelineView,
  CreateCdcPipelineRequest,
  Organization,
  OrganizationQuotas,
  Page,
  PlatformOverview,
  Restore,
  RestoreDrill,
  RoleGrant,
  ServiceChangePreview,
  ServiceChangeResponse,
  ServiceDetails,
  ServiceMetrics,
  ServiceOrderPreview,
  ServiceSummary,
  TenantQuotaUsage,
} from '../api/serviceResponses';
import type {
  AlertMute,
  MuteAlertsRequest,
  ServiceAlertList,
} from '../alerts/serviceAlerts';
import type {
  ApiClient,
  ApiClientList,
  RegisterApiClientRequest,
} from '../tenancy/apiClients';

/**
 * Options of every call. Backend callers pass a token from
 * `auth.getPluginRequestToken` (their own service credentials, or on behalf of
 * a user); the frontend passes none, its `fetchApi` adds the user's.
 * @public
 */
export type DbaasRequestOptions = { token?: string };

/** The time range of a metrics query; the backend defaults to the last hour. @public */
export type MetricsRange = { start?: string; end?: string; step?: string };

/**
 * The DBaaS API (`/api/dbaas`), as the portal's frontend, its backend modules
 * and scripts call it. Every method throws a `ResponseError` carrying the API's
 * error body (`{ error: { code, message, details } }`) when the answer is not 2xx.
 * @public
 */
export interface DbaasApi {
  /** SKUs of the service catalog matching every given filter. */
  listSkus(
    query?: SkuQuery,
    options?: DbaasRequestOptions,
  ): Promise<CatalogSku[]>;
  /** The regions (PoPs) databases can be ordered in, by id. */
  listRegions(options?: DbaasRequestOptions): Promise<Region[]>;
  /** The organizations the caller may see, with their tenants. */
  listOrganizations(options?: DbaasRequestOptions): Promise<Organization[]>;
  /** An organization the caller may see (a group reference or name), with its tenants. */
  getOrganization(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<Organization>;
  /** The roles granted in an organization, then its tenants' teams (service admins). */
  listMembers(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<RoleGrant[]>;
  /**
   * Grants a user or group a role on the organization or one of its tenants,
   * replacing the role they held there: changing a role is granting another.
   */
  grantRole(
    organizationId: string,
    request: GrantRoleRequest,
    options?: DbaasRequestOptions,
  ): Promise<RoleGrant>;
  /** Revokes the role a principal holds on the organization, or on `tenant`. */
  revokeRole(
    organizationId: string,
    principal: string,
    query?: { tenant?: string },
    options?: DbaasRequestOptions,
  ): Promise<void>;
  /** Each tenant's limits and usage in an organization (a group reference or name). */
  listQuotas(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<TenantQuotaUsage[]>;
  /** Each tenant's limits and usage, with the platform's ceiling on any limit. */
  getQuotas(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<OrganizationQuotas>;
  /** Sets one tenant's limits; answers them with the tenant's usage. */
  setQuota(
    organizationId: string,
    request: SetQuotaRequest,
    options?: DbaasRequestOptions,
  ): Promise<TenantQuotaUsage>;
  /**
   * Each tenant's committed monthly cost and budget in an organization, in
   * the price list's currency (none when no prices are configured).
   */
  getBudgets(
    organizationId: string,
    options?: DbaasRequestOptions,
  ): Promise<OrganizationBudgets>;
  /** Sets (or, with null, removes) one tenant's monthly budget. */
  setBudget(
    organizationId: string,
    request: SetBudgetRequest,
    options?: DbaasRequestOptions,
  ): Promise<TenantCost>;
  /**
   * One page of audit events, newest first: a tenant's or an organization's,
   * filtered by action, actor and time.
   */
  listAuditEvents(
    query: Partial<AuditLogQuery>,
    options?: DbaasRequestOptions,
  ): Promise<Page<AuditLogEntry>>;
  /**
   * For platform admins: every organization with its tenants' usage, the PoPs
   * with their databases, and the failed and stuck databases. 403 for others.
   */
  getPlatformOverview(options?: DbaasRequestOptions): Promise<PlatformOverview>;
  /** One page of the databases the caller may see, filtered. */
  listServices(
    query?: Partial<ListServicesQuery>,
    options?: DbaasRequestOptions,
  ): Promise<Page<ServiceSummary>>;
  /** The tenant's database of that name, if the caller may see it. */
  findService(
    tenant: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<ServiceSummary | undefined>;
  /** A database with its config, connection details (never a password) and timeline. */
  getService(
    id: string,
    options?: DbaasRequestOptions,
  ): Promise<ServiceDetails>;
  /** Orders a database; the API commits its ServiceClaim to the GitOps repository. */
  createService(
    request: CreateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceDetails>;
  /**
   * Checks an order as `createService` would and answers what it would
   * order and the quota it would leave, ordering nothing (`?dryRun=true`).
   */
  previewService(
    request: CreateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceOrderPreview>;
  /** Changes a database's config. */
  updateService(
    id: string,
    request: UpdateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangeResponse>;
  /** Resizes one role of a database. */
  scaleService(
    id: string,
    request: ScaleServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangeResponse>;
  /**
   * Checks a change as `updateService` would and answers the database's claim
   * before and after, changing nothing (`?dryRun=true`).
   */
  previewUpdateService(
    id: string,
    request: UpdateServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview>;
  /** Checks a scale as `scaleService` would, changing nothing (`?dryRun=true`). */
  previewScaleService(
    id: string,
    request: ScaleServiceRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview>;
  /**
   * Decommissions a database, after a final backup when backups are on and the
   * engine takes one; where it cannot, only with `confirmNoFinalBackup`.
   */
  deleteService(
    id: string,
    options?: DbaasRequestOptions,
    query?: { confirmNoFinalBackup?: boolean },
  ): Promise<ServiceChangeResponse>;
  /**
   * Checks a decommission as `deleteService` would and answers the claim it
   * would remove, deleting nothing (`?dryRun=true`).
   */
  previewDeleteService(
    id: string,
    options?: DbaasRequestOptions,
    query?: { confirmNoFinalBackup?: boolean },
  ): Promise<ServiceChangePreview>;
  /** A database's backups, newest first. */
  listBackups(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<Backup[]>;
  /** Requests a manual backup now. */
  createBackup(
    serviceId: string,
    description?: string,
    options?: DbaasRequestOptions,
  ): Promise<Backup>;
  /**
   * Restores one of a database's backups into a new database, optionally to
   * a point in time.
   */
  restoreService(
    serviceId: string,
    request: RestoreRequest,
    options?: DbaasRequestOptions,
  ): Promise<Restore>;
  /**
   * Checks a restore as `restoreService` would and answers the new
   * database's claim, restoring nothing (`?dryRun=true`).
   */
  previewRestoreService(
    serviceId: string,
    request: RestoreRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview>;
  /** The restores of a database's backups, newest first. */
  listRestores(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<Restore[]>;
  /** The restore drills of a database, newest first. */
  listRestoreDrills(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<RestoreDrill[]>;
  /** Runs a restore drill of a database now. */
  runRestoreDrill(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<RestoreDrill>;
  /**
   * A database's CDC pipelines with how each runs, what its engine offers
   * (or why not) and how the engine names a table.
   */
  listCdcPipelines(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineList>;
  /** Adds a CDC pipeline to a database's claim; it is `pending` until its PoP runs it. */
  createCdcPipeline(
    serviceId: string,
    request: CreateCdcPipelineRequest,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView>;
  /**
   * Checks a new CDC pipeline as `createCdcPipeline` would and answers the
   * database's claim before and after, adding nothing (`?dryRun=true`).
   */
  previewCreateCdcPipeline(
    serviceId: string,
    request: CreateCdcPipelineRequest,
    options?: DbaasRequestOptions,
  ): Promise<ServiceChangePreview>;
  /** Stops a CDC pipeline, keeping its place in the change log. */
  pauseCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView>;
  /** Starts a paused CDC pipeline again from where it stopped. */
  resumeCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView>;
  /** Restarts a CDC pipeline's connector and its tasks once. */
  restartCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<CdcPipelineView>;
  /** Removes a CDC pipeline from a database's claim; its topics are kept for their retention. */
  deleteCdcPipeline(
    serviceId: string,
    name: string,
    options?: DbaasRequestOptions,
  ): Promise<void>;
  /** CPU, memory, disk, connections and QPS series of a database. */
  getMetrics(
    serviceId: string,
    range?: MetricsRange,
    options?: DbaasRequestOptions,
  ): Promise<ServiceMetrics>;
  /** A database's firing and recent alerts, and its mute. */
  listAlerts(
    serviceId: string,
    options?: DbaasRequestOptions,
  ): Promise<ServiceAlertList>;
  /** Nobody is told of a database's alerts for a while (audited). */
  muteAlerts(
    serviceId: string,
    request: MuteAlertsRequest,
    options?: DbaasRequestOptions,
  ): Promise<AlertMute>;
  /** Ends a database's mute (audited). */
  unmuteAlerts(serviceId: string, options?: DbaasRequestOptions): Promise<void>;
  /** The scripts' clients that act for the signed-in user. */
  listApiClients(options?: DbaasRequestOptions): Promise<ApiClientList>;
  /** Registers a client, by a fresh token of it, to act for the signed-in user. */
  registerApiClient(
    request: RegisterApiClientRequest,
    options?: DbaasRequestOptions,
  ): Promise<ApiClient>;
  /** Removes one of the signed-in user's clients. */
  removeApiClient(
    subject: string,
    options?: DbaasRequestOptions,
  ): Promise<void>;
  /** The OpenAPI 3.1 document of the API, as the backend serves it. */
  getOpenApiDocument(
    options?: DbaasRequestOptions,
  ): Promise<Record<string, unknown>>;
}
