import type { BackupCapabilities } from '../catalog/backupCapabilities';
import type { CdcTableForm } from '../cdc/cdcCapabilities';
import type { CdcAccess, CdcMeasures } from '../cdc/cdcPipelineSchema';
import type { Sku } from '../catalog/schema';
import type {
  CatalogSku,
  CatalogSkuList,
  RegionList,
} from '../catalog/skuQuery';
import { API_ERROR_STATUS, type ApiErrorBody } from './apiError';
import type { MonthlyPrice } from '../cost/monthlyPrice';
import {
  BUDGET_THRESHOLDS,
  type OrganizationBudgets,
  type TenantCost,
} from '../cost/tenantBudgets';
import { schemaRef, type JsonSchema } from './openApiRef';
import type { ApiClient } from '../tenancy/apiClients';
import type {
  AuditEvent,
  AuditLogEntry,
  Backup,
  CdcPipelineList,
  CdcPipelineSummary,
  CdcPipelineView,
  Organization,
  OrganizationQuotas,
  Page,
  PlatformOrganization,
  PlatformOverview,
  PopHoldings,
  Restore,
  RestoreDrill,
  RoleGrant,
  ServiceChangeResponse,
  ServiceDetails,
  ServiceMetrics,
  ServiceChangePreview,
  ServiceOrderPreview,
  ServiceSummary,
  TimelineStep,
  TenantQuotaUsage,
  TroubledDatabase,
} from './serviceResponses';
import type {
  AlertMute,
  AlertReceipt,
  ServiceAlert,
  ServiceAlertList,
} from '../alerts/serviceAlerts';

// The response bodies are TypeScript types, not zod schemas: the API never parses
// them, so zod schemas for them would only restate the types. Their JSON Schema is
// written here by hand instead, through `object<T>()`, which makes the compiler
// check that every property of the type is described, as required or optional as
// in the type, and that nothing else is.

type OptionalKeys<T> = {
  [K in keyof T]-?: Pick<T, K> extends Required<Pick<T, K>> ? never : K;
}[keyof T];

type Properties<Keys extends PropertyKey> = { [K in Keys]-?: JsonSchema };

/** `required` and `optional` properties, each given only when the type has some. */
type Shape<T> = ([Exclude<keyof T, OptionalKeys<T>>] extends [never]
  ? unknown
  : { required: Properties<Exclude<keyof T, OptionalKeys<T>>> }) &
  ([OptionalKeys<T>] extends [never]
    ? unknown
    : { optional: Properties<OptionalKeys<T>> });

function object<T>(shape: Shape<T>, description?: string): JsonSchema {
  const { required = {}, optional = {} } = shape as {
    required?: JsonSchema;
    optional?: JsonSchema;
  };
  const names = Object.keys(required);
  return {
    type: 'object',
    ...(description ? { description } : {}),
    ...(names.length > 0 ? { required: names } : {}),
    properties: { ...required, ...optional },
  };
}

/** A string enum whose members the compiler checks against a union type. */
const enumOf = <T extends string>(members: Record<T, true>): JsonSchema => ({
  type: 'string',
  enum: Object.keys(members),
});

const string = { type: 'string' };
const timestamp = { type: 'string', format: 'date-time' };
const uuid = { type: 'string', format: 'uuid' };
const integer = { type: 'integer', minimum: 0 };
const number = { type: 'number' };
const groupRef = { type: 'string', examples: ['group:default/payments'] };
const actor = {
  type: 'string',
  description:
    'Who acted: a user entity ref, or the subject of the calling plugin.',
  examples: ['user:default/ada'],
};
const arrayOf = (items: JsonSchema) => ({ type: 'array', items });
const listOf = (items: JsonSchema, description: string) =>
  object<{ data: unknown[] }>(
    { required: { data: arrayOf(items) } },
    description,
  );
const pageOf = (items: JsonSchema, description: string) =>
  object<Page<unknown>>(
    {
      required: {
        data: arrayOf(items),
        pagination: object<Page<unknown>['pagination']>({
          required: {
            page: { type: 'integer', minimum: 1 },
            limit: { type: 'integer', minimum: 1 },
            total: integer,
          },
        }),
      },
    },
    description,
  );

const serviceSummary = object<ServiceSummary>(
  {
    required: {
      id: uuid,
      name: schemaRef('ServiceName'),
      tenant: groupRef,
      organization: groupRef,
      engine: schemaRef('Engine'),
      plan: schemaRef('Plan'),
      region: schemaRef('Region'),
      status: schemaRef('ServiceStatus'),
      createdAt: timestamp,
      updatedAt: timestamp,
    },
    optional: {
      sku: string,
      deletedAt: timestamp,
      backupRetention: string,
      monthlyPrice: {
        ...schemaRef('MonthlyPrice'),
        description:
          'What it costs a month at the configured prices, as ordered; absent without prices, for a plan without a price, and once deleted.',
      },
      cdcPipelines: {
        ...arrayOf(
          object<CdcPipelineSummary>({
            required: {
              name: string,
              tables: arrayOf(string),
              topics: {
                ...arrayOf(string),
                description:
                  "Its tables' topics, `dbaas.cdc.{engine}.{tenant}.{table}`, in the order of `tables`.",
              },
            },
          }),
        ),
        description:
          'Its CDC pipelines with their topics, in the order they were added; absent when it has none, and once deleted. How each runs is on `GET /v1/services/{id}/cdc-pipelines`.',
      },
    },
  },
  'A database, as lists show it.',
);

const timelineStep = object<TimelineStep>(
  {
    required: {
      step: enumOf<TimelineStep['step']>({
        committed: true,
        synced: true,
        'sync-failed': true,
        provisioning: true,
        active: true,
        failed: true,
        deleted: true,
      }),
      generation: integer,
      at: timestamp,
    },
    optional: { cluster: string, detail: string },
  },
  'A step of a database on its way to the clusters and back.',
);

const backupCapability: JsonSchema = {
  oneOf: [
    object<{ available: true; how: string }>({
      required: { available: { const: true }, how: string },
    }),
    object<{ available: false; reason: string }>({
      required: { available: { const: false }, reason: string },
    }),
  ],
};

const backupCapabilities = object<BackupCapabilities>(
  {
    required: {
      scheduled: backupCapability,
      manual: backupCapability,
      final: backupCapability,
      restore: backupCapability,
      pointInTime: backupCapability,
    },
  },
  "What the platform does with the engine's backups: what does each, or why it is not done (then the API refuses it with 409 and that reason).",
);

const serviceDetails = {
  description:
    'A database with its desired configuration and what the cluster reported.',
  allOf: [
    schemaRef('ServiceSummary'),
    object<Omit<ServiceDetails, keyof ServiceSummary>>({
      required: {
        generation: {
          type: 'integer',
          minimum: 1,
          description: 'Bumped by every configuration change.',
        },
        config: schemaRef('ServiceClaimSpec'),
        connection: {
          oneOf: [schemaRef('Connection'), { type: 'null' }],
          description: 'Null until the operator reports where to connect.',
        },
        endpoints: arrayOf(schemaRef('Endpoint')),
        conditions: arrayOf(schemaRef('ClaimCondition')),
        createdBy: actor,
        timeline: {
          ...arrayOf(timelineStep),
          description: 'The way to the clusters and back, oldest first.',
        },
        backups: backupCapabilities,
      },
      optional: {
        observedGeneration: {
          ...integer,
          description: 'The generation the cluster last acted on.',
        },
        restoredFrom: {
          ...schemaRef('Restore'),
          description: 'The restore this database was made by, when it was.',
        },
        gitops: object<NonNullable<ServiceDetails['gitops']>>(
          {
            required: { path: string, commitSha: string },
            optional: { commitUrl: string, pullRequestUrl: string },
          },
          'Where the claim is in the GitOps repository, once committed there. When the portal proposes changes as pull requests, pullRequestUrl is the request of the last change, and commitSha is on its branch until it is merged.',
        ),
      },
    }),
  ],
};

const serviceChange = object<ServiceChangeResponse>(
  {
    required: {
      id: uuid,
      status: schemaRef('ServiceStatus'),
      generation: { type: 'integer', minimum: 1 },
      message: string,
    },
  },
  'A change accepted and acted on asynchronously; watch the database for its outcome.',
);

const jobStatus = enumOf<Backup['status']>({
  pending: true,
  running: true,
  completed: true,
  failed: true,
});

const backup = object<Backup>(
  {
    required: {
      id: uuid,
      serviceId: uuid,
      type: enumOf<Backup['type']>({
        scheduled: true,
        manual: true,
        final: true,
      }),
      status: jobStatus,
      createdBy: actor,
      createdAt: timestamp,
    },
    optional: {
      description: string,
      sizeBytes: integer,
      startedAt: timestamp,
      completedAt: timestamp,
      message: string,
    },
  },
  'A backup of a database.',
);

const restore = object<Restore>(
  {
    required: {
      restoreId: uuid,
      serviceId: uuid,
      backupId: uuid,
      status: {
        ...jobStatus,
        description:
          '`pending` until the new database is committed, `running` while it comes up from the backup, `completed` once it was ready, `failed` when it failed or was deleted first.',
      },
      createdBy: actor,
      createdAt: timestamp,
    },
    optional: {
      pointInTime: timestamp,
      targetServiceId: {
        ...uuid,
        description:
          'The new database the backup is restored into; absent only on restores requested before restores were built.',
      },
      targetName: string,
      message: string,
    },
  },
  'A restore: a new database made from a backup of another, acted on asynchronously.',
);

const restoreDrill = object<RestoreDrill>(
  {
    required: {
      id: uuid,
      serviceId: uuid,
      status: enumOf<RestoreDrill['status']>({
        running: true,
        passed: true,
        failed: true,
      }),
      startedAt: timestamp,
      requestedBy: actor,
    },
    optional: {
      backupId: uuid,
      restoreId: uuid,
      scratchName: string,
      finishedAt: timestamp,
      rtoSeconds: {
        ...integer,
        description:
          "Recovery time: from the drill's start until the scratch database was ready.",
      },
      rpoSeconds: {
        ...integer,
        description:
          'Recovery point: how old the restored backup was when the drill started.',
      },
      message: string,
    },
  },
  "A restore drill: the database's latest restorable backup restored into a scratch database, deleted once it was ready or failed.",
);

const cdcPipeline = object<CdcPipelineView>(
  {
    required: {
      name: string,
      tables: arrayOf(string),
      snapshot: {
        ...enumOf<CdcPipelineView['snapshot']>({ initial: true, never: true }),
        description:
          "`initial`: the tables' rows as they are first, then their changes; `never`: changes from when the pipeline starts.",
      },
      paused: {
        type: 'boolean',
        description: 'Whether the user paused it (what the claim asks for).',
      },
      state: {
        ...enumOf<CdcPipelineView['state']>({
          pending: true,
          running: true,
          paused: true,
          failed: true,
        }),
        description:
          "How it runs, as its PoP reported it: `pending` until it did (committed, not yet synced, or Kafka Connect not running it yet); `failed` with the connector's reason in `message`.",
      },
      topics: {
        ...arrayOf(string),
        description:
          "Its tables' topics, `dbaas.cdc.{engine}.{tenant}.{table}`, in the order of `tables`.",
      },
      deadLetterTopic: {
        ...string,
        description:
          "Where a change event too large for its topic goes instead, as a record of why with the row's key and the change's position: `dbaas.cdc.{engine}.{tenant}.dlq-{database}-{pipeline}`.",
      },
    },
    optional: {
      message: string,
      connector: {
        ...string,
        description: 'The Kafka Connect connector, once the PoP reported it.',
      },
      measured: object<CdcMeasures>(
        {
          required: {
            at: { ...timestamp, description: 'When it was read.' },
            topics: arrayOf(
              object<CdcMeasures['topics'][number]>({
                required: {
                  topic: string,
                  messages: {
                    ...integer,
                    description:
                      "Messages written to it so far (its partitions' end offsets).",
                  },
                },
                optional: {
                  perSecond: {
                    ...number,
                    minimum: 0,
                    description: 'Messages per second since the read before.',
                  },
                },
              }),
            ),
            deadLetters: {
              ...integer,
              description: 'Messages in its dead letter topic.',
            },
            consumerGroups: {
              ...arrayOf(
                object<CdcMeasures['consumerGroups'][number]>({
                  required: {
                    group: string,
                    lag: {
                      ...integer,
                      description:
                        "Messages of the pipeline's topics written and not yet consumed by the group.",
                    },
                  },
                }),
              ),
              description:
                "The tenant's consumer groups (`tenant-{slug}.…`) that have consumed its topics.",
            },
          },
          optional: {
            lagMs: {
              ...integer,
              description:
                "Milliseconds from the commit of the last change read to its arrival in Kafka; absent until a change arrives while the PoP's operator watches.",
            },
            lastChangeAt: {
              ...timestamp,
              description: 'When that change was committed.',
            },
          },
        },
        "Its flow as its PoP's operator last read it in Kafka, about every 30 s while it has changes.",
      ),
      access: object<CdcAccess>(
        {
          required: {
            bootstrap: {
              ...string,
              description:
                "The PoP's Kafka listener for tenants, host:port, comma-separated.",
            },
            mechanism: {
              ...string,
              description: 'Its SASL mechanism, e.g. `SCRAM-SHA-512`.',
            },
            principal: {
              ...string,
              description:
                'The principal the ACLs grant, `User:tenant-{slug}`; the platform hands over its password.',
            },
            groupPrefix: {
              ...string,
              description:
                "The prefix the tenant's consumer groups must have, `tenant-{slug}.`.",
            },
          },
        },
        "How the tenant's applications read its topics, as its PoP says; absent where the PoP names no listener for tenants.",
      ),
    },
  },
  "A CDC pipeline of a database: what its claim declares, and how it runs as the database's PoP reported it.",
);

const cdcPipelineList = object<CdcPipelineList>(
  {
    required: {
      data: arrayOf(schemaRef('CdcPipeline')),
      capability: {
        description:
          "What the platform runs a pipeline of the database's engine with, or why it offers none (then a new pipeline is refused with 409 and that reason).",
        oneOf: [
          object<{ available: true; how: string; connectorClass: string }>({
            required: {
              available: { const: true },
              how: string,
              connectorClass: string,
            },
          }),
          object<{ available: false; reason: string }>({
            required: { available: { const: false }, reason: string },
          }),
        ],
      },
      tableForm: object<CdcTableForm>(
        {
          required: {
            parts: arrayOf(string),
            example: { ...string, examples: ['public.orders'] },
          },
        },
        "How the engine names a captured table: its dot-separated parts, e.g. `['schema', 'table']`.",
      ),
    },
  },
  "A database's CDC pipelines, in the order they were added.",
);

const timeSeries = object<ServiceMetrics['metrics']['cpu']>({
  required: { timestamps: arrayOf(timestamp), values: arrayOf(number) },
});

const serviceMetrics = object<ServiceMetrics>(
  {
    required: {
      metrics: object<ServiceMetrics['metrics']>({
        required: {
          cpu: timeSeries,
          memory: timeSeries,
          disk: timeSeries,
          connections: timeSeries,
          qps: timeSeries,
        },
      }),
    },
  },
  'Time series of a database, one value per step.',
);

const serviceAlert = object<ServiceAlert>(
  {
    required: {
      id: uuid,
      name: { ...string, examples: ['DbaasDatabaseDiskHigh'] },
      severity: { ...string, examples: ['critical', 'warning'] },
      status: enumOf<ServiceAlert['status']>({ firing: true, resolved: true }),
      startsAt: timestamp,
      muted: {
        type: 'boolean',
        description:
          "Fired while the database's alerts were muted: nobody was told.",
      },
      labels: {
        type: 'object',
        additionalProperties: string,
        description: "The alert's labels, as Prometheus set them.",
      },
    },
    optional: {
      summary: string,
      description: string,
      runbookUrl: { ...string, format: 'uri' },
      endsAt: { ...timestamp, description: 'When it resolved.' },
    },
  },
  'An alert about a database, one per firing.',
);

const apiClient = object<ApiClient>(
  {
    required: {
      subject: {
        ...string,
        examples: ['external:keycloak:4f1c2d3e-0000-4000-8000-000000000001'],
      },
      owner: {
        ...string,
        description: 'The user it acts for.',
        examples: ['user:default/ada'],
      },
      description: string,
      createdAt: timestamp,
    },
    optional: {
      lastUsedAt: {
        ...timestamp,
        description: 'When it last called the API, to the minute.',
      },
    },
  },
  'A script or CI job that calls the API with its own tokens, acting for the user who registered it.',
);

const alertMute = object<AlertMute>(
  {
    required: {
      until: timestamp,
      reason: string,
      mutedBy: actor,
      mutedAt: timestamp,
    },
  },
  "A mute of a database's alerts.",
);

const serviceAlertList = object<ServiceAlertList>(
  {
    required: {
      firing: arrayOf(schemaRef('ServiceAlert')),
      recent: {
        ...arrayOf(schemaRef('ServiceAlert')),
        description: 'Resolved in the last 7 days, newest first, at most 50.',
      },
    },
    optional: { mute: schemaRef('AlertMute') },
  },
  "A database's alerts.",
);

const alertReceipt = object<AlertReceipt>(
  {
    required: {
      recorded: number,
      ignored: arrayOf(
        object<AlertReceipt['ignored'][number]>({
          required: { reason: string, alerts: number },
        }),
      ),
    },
  },
  'How many alerts were recorded, and those set aside with why.',
);

const organization = object<Organization>(
  {
    required: {
      id: groupRef,
      title: string,
      tenants: arrayOf(
        object<Organization['tenants'][number]>({
          required: { id: groupRef, title: string },
        }),
      ),
    },
  },
  'An organization and its tenants.',
);

const roleGrant = object<RoleGrant>(
  {
    required: {
      principal: { type: 'string', examples: ['user:default/ada'] },
      role: schemaRef('Role'),
      source: {
        ...enumOf<RoleGrant['source']>({ grant: true, team: true }),
        description:
          "`team`: a member of the tenant's team, and so its service admin; `grant`: granted through the API.",
      },
    },
    optional: {
      tenant: {
        ...groupRef,
        description:
          'The tenant the role is limited to; absent for the whole organization.',
      },
      grantedBy: actor,
      grantedAt: timestamp,
    },
  },
  'A role held by a user or group.',
);

const quotaUsage = object<TenantQuotaUsage>(
  {
    required: {
      tenant: groupRef,
      quota: schemaRef('TenantQuota'),
      usage: object<TenantQuotaUsage['usage']>({
        required: {
          instances: integer,
          storageGi: number,
          cpu: number,
          memoryGi: number,
          backups: integer,
          cdcPipelines: {
            ...integer,
            description:
              "The CDC pipelines of the tenant's live databases together (each database's `config.cdc.pipelines`), against the quota's `cdcPipelines`; a restore drill's scratch database does not count.",
          },
        },
      }),
    },
  },
  "A tenant's limits and what its live databases use.",
);

const quotaAmounts = {
  instances: { type: 'integer' },
  storageGi: number,
  cpu: number,
  memoryGi: number,
};

const orderPreview = object<ServiceOrderPreview>(
  {
    required: {
      dryRun: { const: true },
      name: { type: 'string' },
      tenant: groupRef,
      organization: groupRef,
      config: schemaRef('ServiceClaimSpec'),
      claimPath: {
        type: 'string',
        examples: ['tenants/payments/orders.yaml'],
        description:
          'Where its claim would be committed in the GitOps repository.',
      },
      footprint: object<ServiceOrderPreview['footprint']>(
        { required: quotaAmounts },
        "What the database would take out of the tenant's quota.",
      ),
      quota: schemaRef('TenantQuotaUsage'),
      quotaLeftAfter: object<ServiceOrderPreview['quotaLeftAfter']>(
        { required: { ...quotaAmounts, backups: { type: 'integer' } } },
        'What the tenant could still use once the database is ordered.',
      ),
    },
    optional: {
      monthlyPrice: {
        ...schemaRef('MonthlyPrice'),
        description:
          'What it would cost a month; absent without prices or for a plan without a price.',
      },
    },
  },
  'What a dry run of an order answers: the database the request would order, checked as the order is; nothing recorded, audited or committed.',
);

const money = { type: 'number', minimum: 0, examples: [1216] };

const monthlyPriceSchema = object<MonthlyPrice>(
  {
    required: {
      currency: { type: 'string', examples: ['USD'] },
      total: money,
      breakdown: object<MonthlyPrice['breakdown']>(
        {
          required: { base: money, cpu: money, memory: money, storage: money },
        },
        "The plan's base price and each resource at its unit price.",
      ),
    },
  },
  'A monthly price at the configured prices (`dbaas.pricing`), rounded to the cent.',
);

const tenantCost = object<TenantCost>(
  {
    required: { tenant: groupRef },
    optional: {
      monthlyCost: {
        ...money,
        description:
          'The monthly price of its live databases as ordered (not metered use); absent without prices.',
      },
      monthlyBudget: money,
      thresholdReached: {
        type: 'integer',
        enum: [...BUDGET_THRESHOLDS],
        description:
          'The highest share of the budget, in percent, the tenant was told its cost reached.',
      },
    },
  },
  "A tenant's committed monthly cost and its budget.",
);

const organizationBudgets = object<OrganizationBudgets>(
  {
    required: { data: arrayOf(schemaRef('TenantCost')) },
    optional: {
      currency: {
        type: 'string',
        examples: ['USD'],
        description: 'Of every amount; absent when no prices are configured.',
      },
    },
  },
  "Each tenant's cost and budget.",
);

const changePreview = object<ServiceChangePreview>(
  {
    required: {
      dryRun: { const: true },
      id: {
        ...uuid,
        description: "The database the request names (a restore's source).",
      },
      message: {
        type: 'string',
        examples: ['Requested: version 16 \u2192 17'],
        description: 'What the change would do; or "Nothing to change".',
      },
      claim: object<ServiceChangePreview['claim']>(
        {
          required: {
            path: {
              type: 'string',
              examples: ['tenants/payments/orders.yaml'],
              description: 'The claim file in the GitOps repository.',
            },
            before: {
              type: ['string', 'null'],
              description:
                "The claim file now; null when the change makes a new database's claim (a restore).",
            },
            after: {
              type: ['string', 'null'],
              description:
                'The claim file after the change; null when the change removes it.',
            },
            diff: {
              type: 'string',
              description:
                'A unified line diff of the two; empty when nothing would change.',
            },
          },
        },
        'The claim file before and after, both rendered as the commit would write it.',
      ),
    },
    optional: {
      monthlyPrice: object<NonNullable<ServiceChangePreview['monthlyPrice']>>(
        {
          optional: {
            before: {
              ...schemaRef('MonthlyPrice'),
              description: "Absent before a restore's new database.",
            },
            after: {
              ...schemaRef('MonthlyPrice'),
              description: 'Absent after a deletion.',
            },
          },
        },
        'The monthly price now and after the change; absent without prices, each side absent for a plan without a price.',
      ),
    },
  },
  'What a dry run of a change answers: the change checked as it would be made, and its claim before and after; nothing recorded, audited or committed.',
);

const auditEvent = object<AuditEvent>(
  {
    required: {
      id: uuid,
      tenant: groupRef,
      actor,
      action: { type: 'string', examples: ['service.create'] },
      resourceType: string,
      resourceId: string,
      requestId: string,
      outcome: enumOf<AuditEvent['outcome']>({ succeeded: true, failed: true }),
      occurredAt: timestamp,
    },
    optional: { organization: groupRef, details: { type: 'object' } },
  },
  'An audit event, as also published to `dbaas.audit.{tenant}`.',
);

const auditLogEntry = {
  description:
    'An audit event, with the database it is about where it is about one.',
  allOf: [
    schemaRef('AuditEvent'),
    object<Omit<AuditLogEntry, keyof AuditEvent>>({
      optional: {
        database: object<NonNullable<AuditLogEntry['database']>>(
          {
            required: {
              id: uuid,
              name: schemaRef('ServiceName'),
              tenant: groupRef,
            },
            optional: {
              deleted: {
                const: true,
                description: 'Deleted since: it has no page any more.',
              },
            },
          },
          'The database the event is about: the database itself, one of its backups, or its alerts.',
        ),
      },
    }),
  ],
};

const organizationQuotas = object<OrganizationQuotas>(
  {
    required: {
      data: arrayOf(schemaRef('TenantQuotaUsage')),
      ceiling: {
        ...object<OrganizationQuotas['ceiling']>({
          optional: {
            ...quotaAmounts,
            backups: { type: 'integer' },
            cdcPipelines: { type: 'integer' },
          },
        }),
        description:
          'The most any limit may be (`dbaas.quotas.ceiling`); a limit left out has none.',
      },
    },
  },
  "Every tenant's limits and usage, and the platform's ceiling on any limit.",
);

const countsBy = (what: string): JsonSchema => ({
  type: 'object',
  description: `Live databases by ${what}; one with none is left out.`,
  additionalProperties: integer,
});

const platformOverview = object<PlatformOverview>(
  {
    required: {
      organizations: arrayOf({
        description:
          "An organization and its tenants, with each tenant's limits and usage in the tenants' order.",
        allOf: [
          schemaRef('Organization'),
          object<Omit<PlatformOrganization, 'id' | 'title' | 'tenants'>>({
            required: { quotas: arrayOf(schemaRef('TenantQuotaUsage')) },
          }),
        ],
      }),
      ceiling: {
        ...object<PlatformOverview['ceiling']>({
          optional: {
            ...quotaAmounts,
            backups: { type: 'integer' },
            cdcPipelines: { type: 'integer' },
          },
        }),
        description:
          'The most any limit may be (`dbaas.quotas.ceiling`); a limit left out has none.',
      },
      pops: arrayOf(
        object<PopHoldings>(
          {
            required: {
              id: schemaRef('Region'),
              displayName: string,
              databases: integer,
              byEngine: countsBy('engine'),
              byPhase: countsBy('status'),
            },
          },
          'A PoP and the live databases with a share in it (a database in several regions counts in each).',
        ),
      ),
      troubled: arrayOf(
        object<TroubledDatabase>(
          {
            required: {
              id: uuid,
              name: schemaRef('ServiceName'),
              tenant: groupRef,
              organization: groupRef,
              engine: schemaRef('Engine'),
              region: schemaRef('Region'),
              status: schemaRef('ServiceStatus'),
              problem: {
                ...enumOf<TroubledDatabase['problem']>({
                  failed: true,
                  stuck: true,
                }),
                description:
                  '`stuck`: pending, provisioning or deleting with no change recorded for `stuckAfterMinutes`.',
              },
              createdAt: timestamp,
              since: {
                ...timestamp,
                description:
                  'When its record last changed (a phase, a spec, a report).',
              },
            },
            optional: { lastStep: timelineStep },
          },
          'A failed or stuck database.',
        ),
      ),
      troubledTotal: integer,
      stuckAfterMinutes: integer,
    },
  },
  'Every organization with its tenants\u2019 usage against quota, the PoPs with the databases they hold, and the failed and stuck databases, the longest in trouble first.',
);

const catalogSku = {
  description: "A SKU with its engine's and plan's names and the plan's SLA.",
  allOf: [
    schemaRef('Sku'),
    object<Omit<CatalogSku, keyof Sku>>({
      required: {
        engineName: string,
        planName: string,
        slaPercent: number,
        backups: backupCapabilities,
      },
      optional: {
        monthlyPrice: {
          ...schemaRef('MonthlyPrice'),
          description:
            'What a database of its default size costs a month; absent without prices or for a plan without a price.',
        },
      },
    }),
  ],
};

const errorDetails = object<NonNullable<ApiErrorBody['error']['details']>>({
  optional: {
    field: {
      type: 'string',
      description: 'The first offending field, e.g. `config.storageSize`.',
    },
    constraint: { type: 'string', description: 'The rule it broke.' },
    violations: arrayOf(
      object<{ field: string; constraint: string }>({
        required: { field: string, constraint: string },
      }),
    ),
    retryAfterSeconds: {
      ...integer,
      description: 'Seconds until the request may be retried.',
    },
  },
});

const apiError = object<ApiErrorBody>(
  {
    required: {
      error: object<ApiErrorBody['error']>({
        required: {
          code: { type: 'string', enum: Object.keys(API_ERROR_STATUS) },
          name: {
            type: 'string',
            description: 'The error type, e.g. `NotFoundError`.',
          },
          message: string,
        },
        optional: { details: errorDetails },
      }),
      request: object<ApiErrorBody['request']>({
        required: { method: string, url: string },
      }),
      response: object<ApiErrorBody['response']>({
        required: { statusCode: { type: 'integer' } },
      }),
    },
  },
  'The body of every error. Also readable by `ResponseError.fromResponse` of @backstage/errors.',
);

/** JSON Schema of the response bodies, by component name. */
export const openApiResponseSchemas: Record<string, JsonSchema> = {
  ApiError: apiError,
  CatalogSku: catalogSku,
  CatalogSkuList: object<CatalogSkuList>(
    { required: { items: arrayOf(schemaRef('CatalogSku')) } },
    'The SKUs that match the filter.',
  ),
  RegionList: object<RegionList>(
    { required: { items: arrayOf(schemaRef('RegionDetails')) } },
    'The regions (PoPs) of the service catalog, by id.',
  ),
  ServiceSummary: serviceSummary,
  ServiceSummaryPage: pageOf(
    schemaRef('ServiceSummary'),
    'A page of databases.',
  ),
  ServiceDetails: serviceDetails,
  ServiceChangeResponse: serviceChange,
  ServiceOrderPreview: orderPreview,
  MonthlyPrice: monthlyPriceSchema,
  TenantCost: tenantCost,
  OrganizationBudgets: organizationBudgets,
  ServiceChangePreview: changePreview,
  Backup: backup,
  BackupList: listOf(
    schemaRef('Backup'),
    'Backups of a database, newest first.',
  ),
  Restore: restore,
  RestoreDrill: restoreDrill,
  RestoreDrillList: listOf(
    schemaRef('RestoreDrill'),
    'Restore drills of the database, newest first.',
  ),
  RestoreList: listOf(
    schemaRef('Restore'),
    'Restores of the database\u2019s backups, newest first.',
  ),
  CdcPipeline: cdcPipeline,
  CdcPipelineList: cdcPipelineList,
  ServiceMetrics: serviceMetrics,
  Organization: organization,
  OrganizationList: listOf(
    schemaRef('Organization'),
    'The organizations the caller may see.',
  ),
  RoleGrant: roleGrant,
  RoleGrantList: listOf(
    schemaRef('RoleGrant'),
    'Roles granted through the API, then the tenant teams.',
  ),
  TenantQuotaUsage: quotaUsage,
  OrganizationQuotas: organizationQuotas,
  PlatformOverview: platformOverview,
  ServiceAlert: serviceAlert,
  AlertMute: alertMute,
  ApiClient: apiClient,
  ApiClientList: listOf(schemaRef('ApiClient'), "The caller's API clients."),
  ServiceAlertList: serviceAlertList,
  AlertReceipt: alertReceipt,
  AuditEvent: auditEvent,
  AuditLogEntry: auditLogEntry,
  AuditLogPage: pageOf(
    schemaRef('AuditLogEntry'),
    'A page of audit events, newest first.',
  ),
  OpenApiDocument: {
    type: 'object',
    description: 'An OpenAPI 3.1 document: this one.',
    required: ['openapi', 'info', 'paths'],
  },
};
