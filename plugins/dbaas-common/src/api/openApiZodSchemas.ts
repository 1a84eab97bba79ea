import { z } from 'zod';
import {
  engineIdSchema,
  planIdSchema,
  regionIdSchema,
  regionSchema,
  skuSchema,
} from '../catalog/schema';
import { skuQuerySchema } from '../catalog/skuQuery';
import { byteQuantitySchema, cpuQuantitySchema } from '../claim/quantity';
import {
  cronScheduleSchema,
  roleResourcesSchema,
  serviceClaimSpecShape,
} from '../claim/serviceClaimSpec';
import {
  claimConditionSchema,
  serviceClaimStatusSchema,
} from '../claim/serviceClaimStatus';
import {
  alertmanagerWebhookSchema,
  muteAlertsRequestSchema,
} from '../alerts/serviceAlerts';
import { registerApiClientRequestSchema } from '../tenancy/apiClients';
import type { JsonSchema } from './openApiRef';
import { serviceConfigSchema } from './serviceConfig';
import {
  auditLogQuerySchema,
  createBackupRequestSchema,
  createCdcPipelineRequestSchema,
  createServiceBodySchema,
  createServiceQuerySchema,
  serviceChangeQuerySchema,
  entityRefSchema,
  grantRoleRequestSchema,
  deleteServiceQuerySchema,
  organizationRefSchema,
  listServicesQuerySchema,
  metricsQuerySchema,
  restoreRequestSchema,
  scaleServiceRequestSchema,
  serviceNameSchema,
  setQuotaRequestSchema,
  tenantQuotaSchema,
  tenantRefSchema,
  updateServiceRequestSchema,
} from './serviceRequests';
import { setBudgetRequestSchema } from '../cost/tenantBudgets';

const connection = serviceClaimStatusSchema.shape.connection.unwrap();

/**
 * The zod schemas the document shows as named components, with the description
 * each gets there and, where a refinement of the schema has a JSON Schema
 * equivalent, that equivalent. Request bodies are here so that an operation can `$ref` them;
 * the smaller schemas are here because several places use the same instance, so
 * zod writes a `$ref` to one component instead of repeating it inline.
 */
const components = {
  Engine: [engineIdSchema, 'A database engine.'],
  Plan: [planIdSchema, 'A service plan, from least to most available.'],
  Region: [regionIdSchema, 'A point of presence a database can run in.'],
  ServiceStatus: [
    listServicesQuerySchema.shape.status.unwrap(),
    "A database's status: the phase of its claim, lower case.",
  ],
  Role: [grantRoleRequestSchema.shape.role, 'A role of the DBaaS platform.'],
  ServiceName: [
    serviceNameSchema,
    'A database name: a DNS label, unique in its tenant.',
  ],
  EntityRef: [
    entityRefSchema,
    'A catalog entity reference of a user or group, compared case-insensitively.',
  ],
  TenantRef: [
    tenantRefSchema,
    'A tenant: the catalog group that owns databases, e.g. `group:default/payments`.',
    // The refinement to groups, which zod cannot write as JSON Schema.
    { pattern: '^group:' },
  ],
  OrganizationRef: [
    organizationRefSchema,
    'An organization: the catalog group above its tenants, e.g. `group:default/acme`.',
    { pattern: '^group:' },
  ],
  ByteQuantity: [
    byteQuantitySchema,
    'A Kubernetes binary quantity of memory or storage, such as `512Mi` or `100Gi`.',
  ],
  CpuQuantity: [
    cpuQuantitySchema,
    'A Kubernetes CPU quantity: cores (`2`, `0.5`) or millicores (`500m`).',
  ],
  CronSchedule: [
    cronScheduleSchema,
    'A five-field cron expression, such as `0 */6 * * *`.',
  ],
  Sku: [skuSchema, 'A SKU of the service catalog.'],
  RegionDetails: [
    regionSchema,
    'A region: a point of presence (PoP), where it is, its availability zones, its NVMe storage class and the node sizes it stocks.',
  ],
  RoleResources: [roleResourcesSchema, 'The size of one role of an engine.'],
  ServiceClaimSpec: [
    serviceClaimSpecShape,
    'The full desired configuration of a database, as its ServiceClaim spec.',
  ],
  ClaimCondition: [
    claimConditionSchema,
    'A Kubernetes-style condition the operator reported.',
  ],
  Connection: [
    connection,
    'Where to connect. The password is in the named Secret, never in the API.',
  ],
  Endpoint: [
    serviceClaimStatusSchema.shape.endpoints.unwrap().element,
    'A named endpoint of the database, such as a console.',
  ],
  ServiceConfig: [
    serviceConfigSchema,
    "The knobs of a database a request may turn. Left out, a field keeps the SKU's default (create) or the current value (update).",
  ],
  TenantQuota: [tenantQuotaSchema, "A tenant's limits."],
  CreateServiceRequest: [
    createServiceBodySchema,
    'A new database. `tenant` may be left out by a caller who may create databases in exactly one tenant.',
  ],
  UpdateServiceRequest: [
    updateServiceRequestSchema,
    "A change of a database's configuration.",
  ],
  ScaleServiceRequest: [
    scaleServiceRequestSchema,
    "A change of one role's replicas or size; give at least one of replicas, cpu, memory.",
    {
      anyOf: ['replicas', 'cpu', 'memory'].map(field => ({
        required: [field],
      })),
    },
  ],
  CreateBackupRequest: [createBackupRequestSchema, 'An on-demand backup.'],
  CreateCdcPipelineRequest: [
    createCdcPipelineRequestSchema,
    "A new CDC pipeline: the tables it captures, each named in the engine's form (`public.orders` on PostgreSQL).",
  ],
  RestoreRequest: [
    restoreRequestSchema,
    'A restore from a completed backup, optionally to a point in time.',
  ],
  GrantRoleRequest: [
    grantRoleRequestSchema,
    'A role for a user or group, on a tenant or the whole organization.',
  ],
  SetQuotaRequest: [setQuotaRequestSchema, "One tenant's new limits."],
  SetBudgetRequest: [
    setBudgetRequestSchema,
    "One tenant's monthly budget, in the price list's currency; null removes it.",
  ],
  MuteAlertsRequest: [
    muteAlertsRequestSchema,
    "How long nobody is to be told of a database's alerts, and why.",
  ],
  RegisterApiClientRequest: [
    registerApiClientRequestSchema,
    'A client to act for the caller, proved by a fresh access token of it.',
  ],
  AlertmanagerWebhook: [
    alertmanagerWebhookSchema,
    "Alertmanager's webhook payload (version 4); fields not listed are let through.",
  ],
} satisfies Record<string, [z.ZodType, string, JsonSchema?]>;

/**
 * Query schemas: converted with the components so that their fields can
 * `$ref` them, then spread into query parameters rather than shown as schemas.
 */
const queries = {
  SkuQuery: skuQuerySchema,
  CreateServiceQuery: createServiceQuerySchema,
  ListServicesQuery: listServicesQuerySchema,
  DeleteServiceQuery: deleteServiceQuerySchema,
  ServiceChangeQuery: serviceChangeQuerySchema,
  MetricsQuery: metricsQuerySchema,
  AuditLogQuery: auditLogQuerySchema,
} satisfies Record<string, z.ZodObject>;

/** The name of a zod schema among the document's components. */
export type ZodComponentName = keyof typeof components;

/** The name of a query schema. */
export type QueryName = keyof typeof queries;

/**
 * JSON Schema for the zod schemas, generated once for the whole document.
 * `io: 'input'` describes what a client sends: defaults make a field optional,
 * and transforms (entity references are lower-cased) show their input type, which
 * JSON Schema can represent. The target is draft 2020-12, the dialect of OpenAPI 3.1.
 */
export function openApiZodSchemas(): {
  components: Record<ZodComponentName, JsonSchema>;
  queries: Record<QueryName, JsonSchema>;
} {
  const registry = z.registry<{ id: string; description?: string }>();
  for (const [id, [schema, description, refinement]] of Object.entries(
    components,
  ) as [string, [z.ZodType, string, JsonSchema?]][]) {
    registry.add(schema, { id, description, ...refinement });
  }
  for (const [id, schema] of Object.entries(queries)) {
    registry.add(schema, { id });
  }
  const { schemas } = z.toJSONSchema(registry, {
    io: 'input',
    target: 'draft-2020-12',
    // The registry holds the ids and descriptions, not zod's global one.
    metadata: registry,
    uri: id => `#/components/schemas/${id}`,
    // zod spells `format: date-time` out as a long pattern too; the format says
    // the same (RFC 3339, with an offset) and reads better.
    override: ({ jsonSchema }) => {
      if (jsonSchema.format === 'date-time') {
        delete jsonSchema.pattern;
      }
    },
  });
  // Each schema is a standalone document to zod; inside OpenAPI it is not, and
  // its `$id` (a fragment) would be invalid there.
  const embedded = (id: string) => {
    const { $schema: _dialect, $id: _id, ...schema } = schemas[id];
    return schema as JsonSchema;
  };
  const pick = <K extends string>(ids: Record<K, unknown>) =>
    Object.fromEntries(
      Object.keys(ids).map(id => [id, embedded(id)]),
    ) as Record<K, JsonSchema>;
  return { components: pick(components), queries: pick(queries) };
}
