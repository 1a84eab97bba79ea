import { API_ERROR_STATUS, type ApiErrorCode } from './apiError';
import { errorResponseName } from './openApiErrorResponses';
import { schemaRef, type JsonSchema } from './openApiRef';
import type { QueryName, ZodComponentName } from './openApiZodSchemas';

type PathParameter =
  | 'ServiceId'
  | 'RestoreId'
  | 'CdcPipelineName'
  | 'OrganizationId'
  | 'Principal'
  | 'ApiClientSubject';

type Operation = {
  method: 'get' | 'post' | 'put' | 'delete';
  /** The path under the server URL, with OpenAPI `{parameters}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  parameters?: PathParameter[];
  query?: QueryName;
  /** Descriptions of query parameters whose meaning their schema does not tell. */
  queryNotes?: Record<string, string>;
  /** Query parameters of a route whose query schema lives in the backend. */
  extraQuery?: JsonSchema[];
  body?: ZodComponentName;
  success: {
    status: 200 | 201 | 202 | 204;
    description: string;
    /** A response schema component; none for an empty body. */
    schema?: string;
    headers?: Record<string, JsonSchema>;
  };
  /** Another answer of success, such as a dry run's. */
  alsoSuccess?: {
    status: 200;
    description: string;
    schema: string;
  };
  /** Besides UNAUTHORIZED and INTERNAL_ERROR, which every route may answer. */
  errors: ApiErrorCode[];
};

// Which codes a route answers follows from what it calls: a body or query
// schema (INVALID_REQUEST), loading a database or organization the caller may
// not see (NOT_FOUND) or not change (FORBIDDEN), the caller's rate limit, taken
// on every route, and quotas (QUOTA_EXCEEDED).
const EVERY_ROUTE: ApiErrorCode[] = ['UNAUTHORIZED', 'INTERNAL_ERROR'];

// A CDC pipeline changes its database's spec: what a configuration change
// answers, and 409 where the engine offers no CDC or a topic has a writer.
const CDC_CHANGE_ERRORS: ApiErrorCode[] = [
  'INVALID_REQUEST',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'QUOTA_EXCEEDED',
];

const operations: Operation[] = [
  {
    method: 'get',
    path: '/v1/catalog/skus',
    operationId: 'listSkus',
    tag: 'Catalog',
    summary: 'List the SKUs of the service catalog',
    query: 'SkuQuery',
    success: { status: 200, description: 'The SKUs', schema: 'CatalogSkuList' },
    errors: ['INVALID_REQUEST', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/catalog/regions',
    operationId: 'listRegions',
    tag: 'Catalog',
    summary: 'List the regions (PoPs) databases can be ordered in',
    description:
      'The PoPs are catalog entities (Resources of type `kubernetes-cluster`); a PoP added there is listed here within seconds.',
    success: { status: 200, description: 'The regions', schema: 'RegionList' },
    errors: ['QUOTA_EXCEEDED'],
  },
  {
    method: 'post',
    path: '/v1/services',
    operationId: 'createService',
    tag: 'Services',
    summary: 'Request a new database',
    description:
      "Starts from the SKU (by default the first of the engine and plan in the region) and applies `config`. The tenant's quota must allow the database. With `dryRun=true` the request is checked as an order is (permission, SKU and rules, quota, the name and the claim's place in the GitOps repository free) and answered with what would be ordered; nothing is recorded, audited or committed.",
    query: 'CreateServiceQuery',
    body: 'CreateServiceRequest',
    success: {
      status: 201,
      description: 'The database, pending until the operator provisions it',
      schema: 'ServiceDetails',
      headers: {
        Location: {
          description:
            'The database: `services/{id}`, relative to the request URL.',
          schema: { type: 'string' },
        },
      },
    },
    alsoSuccess: {
      status: 200,
      description:
        'A dry run (`dryRun=true`): what would be ordered, and the quota it would leave',
      schema: 'ServiceOrderPreview',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'CONFLICT', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/services',
    operationId: 'listServices',
    tag: 'Services',
    summary: 'List the databases the caller may see',
    query: 'ListServicesQuery',
    queryNotes: { q: 'A substring of the name.' },
    success: {
      status: 200,
      description: 'A page of databases',
      schema: 'ServiceSummaryPage',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/services/{id}',
    operationId: 'getService',
    tag: 'Services',
    summary: 'Get a database',
    parameters: ['ServiceId'],
    success: {
      status: 200,
      description: 'The database',
      schema: 'ServiceDetails',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'put',
    path: '/v1/services/{id}',
    operationId: 'updateService',
    tag: 'Services',
    summary: "Change a database's configuration",
    description:
      'The merged configuration is checked as a whole (engine and plan rules, allowed transitions: storage only grows, and a version changes only to an upgrade its engine allows from the current one, `allowedUpgrades`) and against the quota. With `dryRun=true` the change is checked the same way and answered with the claim before and after; nothing is recorded, audited or committed.',
    parameters: ['ServiceId'],
    query: 'ServiceChangeQuery',
    body: 'UpdateServiceRequest',
    success: {
      status: 200,
      description: 'The change, requested; or "Nothing to change"',
      schema: 'ServiceChangeResponse',
    },
    alsoSuccess: {
      status: 200,
      description:
        'A dry run (`dryRun=true`): the change checked, and its claim before and after',
      schema: 'ServiceChangePreview',
    },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'delete',
    path: '/v1/services/{id}',
    operationId: 'deleteService',
    tag: 'Services',
    summary: 'Delete a database',
    description:
      "When backups are on, a final backup is taken before the database goes away, where the engine can take one (PostgreSQL). Elsewhere the delete is refused (409, with the engine's reason) unless `confirmNoFinalBackup=true` accepts that none will exist.",
    parameters: ['ServiceId'],
    query: 'DeleteServiceQuery',
    success: {
      status: 202,
      description: 'Deletion requested',
      schema: 'ServiceChangeResponse',
    },
    alsoSuccess: {
      status: 200,
      description:
        'A dry run (`dryRun=true`): the change checked, and its claim before and after',
      schema: 'ServiceChangePreview',
    },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'post',
    path: '/v1/services/{id}/scale',
    operationId: 'scaleService',
    tag: 'Services',
    summary: "Change one role's replicas or size",
    description:
      'A shorthand for a configuration change of one role, by default the engine\u2019s data role.',
    parameters: ['ServiceId'],
    query: 'ServiceChangeQuery',
    body: 'ScaleServiceRequest',
    success: {
      status: 200,
      description: 'The change, requested; or "Nothing to change"',
      schema: 'ServiceChangeResponse',
    },
    alsoSuccess: {
      status: 200,
      description:
        'A dry run (`dryRun=true`): the change checked, and its claim before and after',
      schema: 'ServiceChangePreview',
    },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'get',
    path: '/v1/services/{id}/backups',
    operationId: 'listBackups',
    tag: 'Backups',
    summary: 'List the backups of a database',
    parameters: ['ServiceId'],
    success: {
      status: 200,
      description: 'The backups',
      schema: 'BackupList',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'post',
    path: '/v1/services/{id}/backups',
    operationId: 'createBackup',
    tag: 'Backups',
    summary: 'Take a backup now',
    description:
      "Counts against the tenant's backup quota. 409 with the reason where the database's engine cannot take one now (the backup capability table, `engineBackups`).",
    parameters: ['ServiceId'],
    body: 'CreateBackupRequest',
    success: {
      status: 201,
      description: 'The backup, pending',
      schema: 'Backup',
    },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'post',
    path: '/v1/services/{id}/restore',
    operationId: 'restoreService',
    tag: 'Backups',
    summary: 'Restore a backup into a new database',
    description:
      "Makes a new database of the same tenant, engine, plan and region from the backup, through the same path as `POST /services` (permission to create databases in the tenant, quota, audit, GitOps); the source keeps running. The backup must be completed and within the retention window; `pointInTime` must lie between the backup's end and the last five minutes (WAL not yet archived), and PostgreSQL must find a commit after it in the archive. 409 with the reason where the engine cannot restore (the backup capability table, `engineBackups`). With `dryRun=true` the restore is checked the same way (and the new database as an order is) and answered with the new database's claim; nothing is recorded, audited or committed.",
    parameters: ['ServiceId'],
    query: 'ServiceChangeQuery',
    body: 'RestoreRequest',
    success: {
      status: 202,
      description: 'The restore, requested; follow it on the new database',
      schema: 'Restore',
    },
    alsoSuccess: {
      status: 200,
      description:
        "A dry run (`dryRun=true`): the restore checked, and the new database's claim (before: null)",
      schema: 'ServiceChangePreview',
    },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'get',
    path: '/v1/services/{id}/restores',
    operationId: 'listRestores',
    tag: 'Backups',
    summary: "List the restores of a database's backups",
    description:
      'Each names the new database the backup was restored into and how far it got.',
    parameters: ['ServiceId'],
    success: {
      status: 200,
      description: 'The restores',
      schema: 'RestoreList',
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/v1/services/{id}/drills',
    operationId: 'listRestoreDrills',
    tag: 'Backups',
    summary: "List a database's restore drills",
    description:
      'Each restores the latest restorable backup into a scratch database and records how long it took to be ready (RTO) and how old the backup was (RPO).',
    parameters: ['ServiceId'],
    success: {
      status: 200,
      description: 'The drills',
      schema: 'RestoreDrillList',
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'post',
    path: '/v1/services/{id}/drills',
    operationId: 'runRestoreDrill',
    tag: 'Backups',
    summary: 'Run a restore drill now',
    description:
      "Restores the latest restorable backup into a scratch database, which counts against the platform's drill budget, not the tenant's quota. 409 while one runs, when the engine cannot restore (the reason), or when the platform's budget of running drills is used up.",
    parameters: ['ServiceId'],
    success: {
      status: 202,
      description: 'The drill, running',
      schema: 'RestoreDrill',
    },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  },
  {
    method: 'get',
    path: '/v1/services/{id}/restores/{restoreId}',
    operationId: 'getRestore',
    tag: 'Backups',
    summary: 'Get one restore of a database\u2019s backups',
    parameters: ['ServiceId', 'RestoreId'],
    success: {
      status: 200,
      description: 'The restore',
      schema: 'Restore',
    },
    errors: ['NOT_FOUND'],
  },
  {
    method: 'get',
    path: '/v1/services/{id}/cdc-pipelines',
    operationId: 'listCdcPipelines',
    tag: 'CDC',
    summary: "List a database's CDC pipelines",
    description:
      "Each with its tables' topics and how it runs as the database's PoP reported it (`pending` until it did), beside what the database's engine offers (or why it offers nothing) and how it names a table.",
    parameters: ['ServiceId'],
    success: {
      status: 200,
      description: 'The pipelines',
      schema: 'CdcPipelineList',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'post',
    path: '/v1/services/{id}/cdc-pipelines',
    operationId: 'createCdcPipeline',
    tag: 'CDC',
    summary: 'Stream the changes of some tables to Kafka',
    description:
      "A change of the database's claim, as a configuration change is (the same permission, committed through GitOps, audited as `cdc.create`). Each table's changes go to the topic `dbaas.cdc.{engine}.{tenant}.{table}`, which names no database: a table another database of the tenant already captures is refused (409, naming it). 409 with the reason where the engine offers no CDC (`engineCdc`); 400 naming the table that is not in the engine's form (`cdcTableForms`), a name already taken or a table already captured by another pipeline of the database; 429 past the tenant's quota of pipelines (`cdcPipelines`).",
    parameters: ['ServiceId'],
    query: 'ServiceChangeQuery',
    body: 'CreateCdcPipelineRequest',
    success: {
      status: 202,
      description: 'The pipeline, `pending` until its PoP runs it',
      schema: 'CdcPipeline',
      headers: {
        Location: {
          description:
            'The pipeline: `cdc-pipelines/{name}`, relative to the request URL.',
          schema: { type: 'string' },
        },
      },
    },
    alsoSuccess: {
      status: 200,
      description:
        'A dry run (`dryRun=true`): the pipeline checked, and the claim before and after',
      schema: 'ServiceChangePreview',
    },
    errors: CDC_CHANGE_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/services/{id}/cdc-pipelines/{name}',
    operationId: 'getCdcPipeline',
    tag: 'CDC',
    summary: 'Get one CDC pipeline of a database',
    parameters: ['ServiceId', 'CdcPipelineName'],
    success: {
      status: 200,
      description: 'The pipeline',
      schema: 'CdcPipeline',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'delete',
    path: '/v1/services/{id}/cdc-pipelines/{name}',
    operationId: 'deleteCdcPipeline',
    tag: 'CDC',
    summary: 'Stop a CDC pipeline and remove it',
    description:
      "Removes the pipeline from the database's claim (audited as `cdc.delete`); its PoP then removes its connector, replication slot and publication. Its topics and dead letter topic are kept, with what they hold, for their retention (7 days), then Kafka deletes their messages.",
    parameters: ['ServiceId', 'CdcPipelineName'],
    success: { status: 202, description: 'Removal requested' },
    errors: CDC_CHANGE_ERRORS,
  },
  {
    method: 'post',
    path: '/v1/services/{id}/cdc-pipelines/{name}/pause',
    operationId: 'pauseCdcPipeline',
    tag: 'CDC',
    summary: 'Pause a CDC pipeline',
    description:
      'Stops its connector, which keeps its place in the change log (`paused: true` in the claim; audited as `cdc.pause`). While it is paused, the database keeps the change log the pipeline has not read yet, and its disk fills with it.',
    parameters: ['ServiceId', 'CdcPipelineName'],
    success: {
      status: 202,
      description: 'The pipeline, its change requested',
      schema: 'CdcPipeline',
    },
    errors: CDC_CHANGE_ERRORS,
  },
  {
    method: 'post',
    path: '/v1/services/{id}/cdc-pipelines/{name}/resume',
    operationId: 'resumeCdcPipeline',
    tag: 'CDC',
    summary: 'Resume a paused CDC pipeline',
    description:
      'Starts its connector again from where it stopped (audited as `cdc.resume`).',
    parameters: ['ServiceId', 'CdcPipelineName'],
    success: {
      status: 202,
      description: 'The pipeline, its change requested',
      schema: 'CdcPipeline',
    },
    errors: CDC_CHANGE_ERRORS,
  },
  {
    method: 'post',
    path: '/v1/services/{id}/cdc-pipelines/{name}/restart',
    operationId: 'restartCdcPipeline',
    tag: 'CDC',
    summary: 'Restart a CDC pipeline',
    description:
      'Restarts its connector and its tasks once, for instance after a failure was fixed (a new `restart` token in the claim; audited as `cdc.restart`).',
    parameters: ['ServiceId', 'CdcPipelineName'],
    success: {
      status: 202,
      description: 'The pipeline, its change requested',
      schema: 'CdcPipeline',
    },
    errors: CDC_CHANGE_ERRORS,
  },
  {
    method: 'get',
    path: '/v1/services/{id}/metrics',
    operationId: 'getServiceMetrics',
    tag: 'Metrics',
    summary: 'Get time series of a database',
    description:
      'From the monitoring system; by default the last hour in one-minute steps.',
    parameters: ['ServiceId'],
    query: 'MetricsQuery',
    queryNotes: {
      start: 'By default an hour before `end`; must be before `end`.',
      end: 'By default now.',
      step: 'The resolution, e.g. `30s`, `5m`, `1h`.',
    },
    success: {
      status: 200,
      description: 'The time series',
      schema: 'ServiceMetrics',
    },
    errors: [
      'INVALID_REQUEST',
      'NOT_FOUND',
      'QUOTA_EXCEEDED',
      'SERVICE_UNAVAILABLE',
    ],
  },
  {
    method: 'get',
    path: '/v1/organizations',
    operationId: 'listOrganizations',
    tag: 'Organizations',
    summary: 'List the organizations the caller may see',
    success: {
      status: 200,
      description: 'The organizations',
      schema: 'OrganizationList',
    },
    errors: ['QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/organizations/{id}',
    operationId: 'getOrganization',
    tag: 'Organizations',
    summary: 'Get an organization and its tenants',
    parameters: ['OrganizationId'],
    success: {
      status: 200,
      description: 'The organization',
      schema: 'Organization',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/organizations/{id}/members',
    operationId: 'listMembers',
    tag: 'Organizations',
    summary: 'List the roles held in an organization',
    parameters: ['OrganizationId'],
    success: {
      status: 200,
      description: 'The roles',
      schema: 'RoleGrantList',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'post',
    path: '/v1/organizations/{id}/members',
    operationId: 'grantRole',
    tag: 'Organizations',
    summary: 'Grant a user or group a role',
    description:
      'Granting `org-owner`, or a lesser role to an org-owner, takes an org-owner. A principal holds one role per scope; a new grant replaces it. The last org-owner of an organization cannot be demoted (409).',
    parameters: ['OrganizationId'],
    body: 'GrantRoleRequest',
    success: {
      status: 201,
      description: 'The grant',
      schema: 'RoleGrant',
    },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'delete',
    path: '/v1/organizations/{id}/members/{principal}',
    operationId: 'revokeRole',
    tag: 'Organizations',
    summary: 'Revoke the role a principal holds',
    description:
      'Revoking an `org-owner` takes an org-owner; the last one cannot be revoked (409).',
    parameters: ['OrganizationId', 'Principal'],
    extraQuery: [
      {
        name: 'tenant',
        in: 'query',
        required: false,
        description:
          'The tenant the role is limited to; the whole organization when left out.',
        schema: schemaRef('TenantRef'),
      },
    ],
    success: { status: 204, description: 'Revoked' },
    errors: [
      'INVALID_REQUEST',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'QUOTA_EXCEEDED',
    ],
  },
  {
    method: 'get',
    path: '/v1/organizations/{id}/quotas',
    operationId: 'listQuotas',
    tag: 'Organizations',
    summary: "List the tenants' quotas and usage",
    parameters: ['OrganizationId'],
    success: {
      status: 200,
      description: 'Quotas and usage, and the platform ceiling',
      schema: 'OrganizationQuotas',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'put',
    path: '/v1/organizations/{id}/quotas',
    operationId: 'setQuota',
    tag: 'Organizations',
    summary: "Set a tenant's quota",
    description:
      "Each limit must be within the platform's ceiling (`dbaas.quotas.ceiling`); one above it is refused with 400 naming it.",
    parameters: ['OrganizationId'],
    body: 'SetQuotaRequest',
    success: {
      status: 200,
      description: "The tenant's new quota and its usage",
      schema: 'TenantQuotaUsage',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/organizations/{id}/budgets',
    operationId: 'listBudgets',
    tag: 'Organizations',
    summary: "List the tenants' monthly costs and budgets",
    description:
      "A tenant's cost is the monthly price of its live databases as ordered, at the configured prices (`dbaas.pricing`); not metered use. Without prices there is no cost, and no currency.",
    parameters: ['OrganizationId'],
    success: {
      status: 200,
      description: "Each tenant's cost and budget",
      schema: 'OrganizationBudgets',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'put',
    path: '/v1/organizations/{id}/budgets',
    operationId: 'setBudget',
    tag: 'Organizations',
    summary: "Set a tenant's monthly budget",
    description:
      "Takes the permission to manage quotas. The tenant's team is notified, once each, when its cost reaches 80% and 100% of the budget (again only after it fell below); orders above the budget are not refused. Refused with 400 when no prices are configured.",
    parameters: ['OrganizationId'],
    body: 'SetBudgetRequest',
    success: {
      status: 200,
      description: "The tenant's cost and new budget",
      schema: 'TenantCost',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/services/{id}/alerts',
    operationId: 'listServiceAlerts',
    tag: 'Alerts',
    summary: "List a database's alerts",
    description:
      "Those firing, those resolved in the last 7 days, and the database's mute, as its PoP's Alertmanager reported them.",
    parameters: ['ServiceId'],
    success: {
      status: 200,
      description: "The database's alerts",
      schema: 'ServiceAlertList',
    },
    errors: ['NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'put',
    path: '/v1/services/{id}/alerts/mute',
    operationId: 'muteServiceAlerts',
    tag: 'Alerts',
    summary: "Mute a database's alerts for a while",
    description:
      'Nobody is told of its alerts until then: no notification. They are still recorded, shown and published to `dbaas.alerts.{tenant}`, marked muted. Replaces a mute in force. Audited (`alerts.mute`).',
    parameters: ['ServiceId'],
    body: 'MuteAlertsRequest',
    success: { status: 200, description: 'The mute', schema: 'AlertMute' },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'delete',
    path: '/v1/services/{id}/alerts/mute',
    operationId: 'unmuteServiceAlerts',
    tag: 'Alerts',
    summary: "End a database's mute",
    description: 'Audited (`alerts.unmute`).',
    parameters: ['ServiceId'],
    success: { status: 204, description: 'Its alerts are told again' },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'post',
    path: '/v1/alerts/alertmanager',
    operationId: 'receiveAlertmanagerAlerts',
    tag: 'Alerts',
    summary: "Take a PoP's Alertmanager's alerts (its webhook receiver)",
    description:
      "For Alertmanager only: a service token whose subject `dbaas.alerts.sources` lists, with the PoPs it speaks for. Each alert names its database by the `dbaas_io_service_id` label; one about no database of the portal, or about one in none of the sender's PoPs, is set aside and counted in the answer. Not rate limited; a body may hold up to 4 MB.",
    body: 'AlertmanagerWebhook',
    success: {
      status: 200,
      description: 'What became of the alerts',
      schema: 'AlertReceipt',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN'],
  },
  {
    method: 'get',
    path: '/v1/platform/overview',
    operationId: 'getPlatformOverview',
    tag: 'Platform',
    summary:
      'Every tenant with its usage, the PoPs with their databases, failed and stuck databases',
    description:
      'For platform admins only (`dbaas.platform.read`, held by those named in `dbaas.permissions.platformAdmins`); anyone else is answered 403. A database is stuck when it is pending, provisioning or deleting with no change recorded for `stuckAfterMinutes`.',
    success: {
      status: 200,
      description: 'The platform overview',
      schema: 'PlatformOverview',
    },
    errors: ['FORBIDDEN', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/audit-logs',
    operationId: 'listAuditEvents',
    tag: 'Audit',
    summary: "List a tenant's or an organization's audit events, newest first",
    description:
      'Takes `dbaas.audit.read` on the organization (its org-owners and org-admins, and platform admins). Give `tenant`, `organization` or both; an organization that does not exist or that the caller may not see answers 404, a tenant of no organization (or of another than `organization`) 400. Each event about a database (the database itself, one of its backups, or its alerts) names it in `database`.',
    query: 'AuditLogQuery',
    queryNotes: {
      organization:
        "Every event of the organization: its tenants' and its own (roles granted on the whole organization, `tenant` being the organization).",
      tenant:
        "Only this tenant's events; with `organization`, the organization's own ref gives its own events.",
      action: 'Only events of this action, e.g. `service.create`.',
      actor:
        'Only events of this actor: a user entity ref such as `user:default/ada`, or a plugin subject.',
      since: 'Only events at or after this moment.',
      until: 'Only events at or before this moment.',
    },
    success: {
      status: 200,
      description: 'A page of audit events',
      schema: 'AuditLogPage',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    path: '/v1/api-clients',
    operationId: 'listApiClients',
    tag: 'API clients',
    summary: 'List the API clients that act for you',
    description:
      'For signed-in users: the clients (scripts, CI jobs) they registered.',
    success: {
      status: 200,
      description: "The caller's API clients",
      schema: 'ApiClientList',
    },
    errors: ['FORBIDDEN', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'post',
    path: '/v1/api-clients',
    operationId: 'registerApiClient',
    tag: 'API clients',
    summary: 'Register a client to act for you',
    description:
      "For signed-in users. The body carries a fresh access token of the client (from a source of `dbaas.apiClients.sources`, e.g. Keycloak's client-credentials grant): proof that the caller holds the client's credentials. From then on the client's tokens may do on this API what the caller may do, and no more; a client is registered to one user. Registering it again changes its description.",
    body: 'RegisterApiClientRequest',
    success: {
      status: 201,
      description: 'Registered',
      schema: 'ApiClient',
    },
    alsoSuccess: {
      status: 200,
      description: 'Registered to the caller before: its description changed',
      schema: 'ApiClient',
    },
    errors: ['INVALID_REQUEST', 'FORBIDDEN', 'CONFLICT', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'delete',
    path: '/v1/api-clients/{subject}',
    operationId: 'removeApiClient',
    tag: 'API clients',
    summary: 'Remove an API client',
    description:
      'By the user it acts for. Its tokens are refused from then on (within 10 s on every replica of the backend).',
    parameters: ['ApiClientSubject'],
    success: { status: 204, description: 'Removed' },
    errors: ['FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
  },
  {
    method: 'get',
    // Outside /v1: the route Backstage's plugins serve their document at.
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'API',
    summary: 'Get this document',
    description:
      "The catalog's API entity `dbaas-api` reads it here. It holds no tenant's data.",
    success: {
      status: 200,
      description: 'The OpenAPI document',
      schema: 'OpenApiDocument',
    },
    errors: ['QUOTA_EXCEEDED'],
  },
];

/** A query schema's fields as query parameters. */
function queryParameters(
  query: JsonSchema,
  notes: Record<string, string> = {},
): JsonSchema[] {
  const required = new Set((query.required as string[] | undefined) ?? []);
  return Object.entries(query.properties as Record<string, JsonSchema>).map(
    ([name, schema]) => ({
      name,
      in: 'query',
      required: required.has(name),
      ...(notes[name] ? { description: notes[name] } : {}),
      schema,
    }),
  );
}

function operationObject(
  operation: Operation,
  queries: Record<QueryName, JsonSchema>,
): JsonSchema {
  const { success } = operation;
  const parameters = [
    ...(operation.parameters ?? []).map(name => ({
      $ref: `#/components/parameters/${name}`,
    })),
    ...(operation.query
      ? queryParameters(queries[operation.query], operation.queryNotes)
      : []),
    ...(operation.extraQuery ?? []),
    { $ref: '#/components/parameters/RequestId' },
  ];
  const responses: JsonSchema = {
    [success.status]: {
      description: success.description,
      headers: {
        'X-Request-Id': { $ref: '#/components/headers/RequestId' },
        ...success.headers,
      },
      ...(success.schema
        ? {
            content: {
              'application/json': { schema: schemaRef(success.schema) },
            },
          }
        : {}),
    },
  };
  if (operation.alsoSuccess?.status === success.status && success.schema) {
    // Both answers share the status: the body is one or the other.
    const shared = responses[success.status] as {
      description: string;
      content: Record<string, { schema: JsonSchema }>;
    };
    shared.description += `; ${operation.alsoSuccess.description}`;
    shared.content['application/json'].schema = {
      oneOf: [
        schemaRef(success.schema),
        schemaRef(operation.alsoSuccess.schema),
      ],
    };
  } else if (operation.alsoSuccess) {
    responses[operation.alsoSuccess.status] = {
      description: operation.alsoSuccess.description,
      headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
      content: {
        'application/json': { schema: schemaRef(operation.alsoSuccess.schema) },
      },
    };
  }
  // Integer keys: the object lists the statuses in ascending order.
  for (const code of new Set([...operation.errors, ...EVERY_ROUTE])) {
    responses[API_ERROR_STATUS[code]] = {
      $ref: `#/components/responses/${errorResponseName(code)}`,
    };
  }
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    parameters,
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schemaRef(operation.body) },
            },
          },
        }
      : {}),
    responses,
  };
}

/** The `paths` of the document: every route the DBaaS router serves. */
export function openApiPaths(
  queries: Record<QueryName, JsonSchema>,
): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = operationObject(
      operation,
      queries,
    );
  }
  return paths;
}
