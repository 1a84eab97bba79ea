import { z } from 'zod';
import {
  engineIdSchema,
  planIdSchema,
  regionIdSchema,
} from '../catalog/schema';
import { cdcPipelineSchema } from '../cdc/cdcPipelineSchema';
import { byteQuantitySchema, cpuQuantitySchema } from '../claim/quantity';
import { DBAAS_ROLES } from '../tenancy/roles';
import { serviceConfigSchema } from './serviceConfig';
import { SERVICE_STATUSES } from './serviceStatus';

/** A database name: a DNS label, since it names Kubernetes objects. @public */
export const serviceNameSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    'must be lower-case letters, digits and dashes, starting with a letter',
  );

/** A catalog entity reference such as `group:default/payments`. @public */
export const entityRefSchema = z
  .string()
  .max(255)
  .regex(
    /^(user|group):[a-z0-9][-a-z0-9_.]*\/[a-zA-Z0-9][-a-zA-Z0-9_.]*$/,
    'must be an entity reference such as group:default/payments',
  )
  // Backstage compares entity references case-insensitively.
  .transform(ref => ref.toLowerCase());

/** A tenant: the catalog Group (kind group) that owns its databases. @public */
export const tenantRefSchema = entityRefSchema.refine(
  ref => ref.startsWith('group:'),
  'must be a group reference such as group:default/payments',
);

/**
 * An organization: the catalog Group (of type organization) above its tenants.
 * @public
 */
export const organizationRefSchema = entityRefSchema.refine(
  ref => ref.startsWith('group:'),
  'must be a group reference such as group:default/acme',
);

/** `POST /services`. @public */
export const createServiceRequestSchema = z
  .object({
    name: serviceNameSchema,
    tenant: tenantRefSchema,
    engine: engineIdSchema,
    plan: planIdSchema,
    region: regionIdSchema,
    /** The SKU to start from; by default the first SKU of the engine and plan in the region. */
    sku: z.string().min(1).max(63).optional(),
    config: serviceConfigSchema.optional(),
  })
  .strict();

/** @public */
export type CreateServiceRequest = z.infer<typeof createServiceRequestSchema>;

/**
 * `POST /services` as a client may send it: `tenant` may be left out by a
 * caller who may create databases in exactly one tenant, which is then the
 * one (the seed requirements' own example names none). @public
 */
export const createServiceBodySchema = createServiceRequestSchema.extend({
  tenant: tenantRefSchema.optional(),
});

/**
 * `POST /services` query. `dryRun=true` checks the request as an order would
 * be checked (permission, SKU, rules, quota, the name and the claim's place
 * free) and answers what would be ordered, recording and committing nothing.
 * @public
 */
export const createServiceQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .optional()
      .describe(
        '`true`: check the request and answer what would be ordered (200), without ordering it',
      ),
  })
  .strict();

/** @public */
export type CreateServiceQuery = z.infer<typeof createServiceQuerySchema>;

/**
 * The query of a change of a database (`PUT /services/{id}`, `POST
 * /services/{id}/scale`, `/cdc-pipelines`, `/restore`). `dryRun=true` checks
 * the change as it would be made and answers its claim before and after,
 * changing nothing.
 * @public
 */
export const serviceChangeQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .optional()
      .describe(
        '`true`: check the change and answer the claim before and after (200), without making it',
      ),
  })
  .strict();

/** @public */
export type ServiceChangeQuery = z.infer<typeof serviceChangeQuerySchema>;

/** `PUT /services/{id}`: a config change (resize storage, scale, backup schedule). @public */
export const updateServiceRequestSchema = z
  .object({ config: serviceConfigSchema })
  .strict();

/** @public */
export type UpdateServiceRequest = z.infer<typeof updateServiceRequestSchema>;

/** `POST /services/{id}/scale`: one role's replicas or size. @public */
export const scaleServiceRequestSchema = z
  .object({
    /** The engine role to scale; by default the engine's data role. */
    role: z
      .string()
      .regex(/^[a-z][a-z0-9]*$/, 'must be a role name such as tserver')
      .max(32)
      .optional(),
    replicas: z.number().int().min(1).max(99).optional(),
    cpu: cpuQuantitySchema.optional(),
    memory: byteQuantitySchema.optional(),
  })
  .strict()
  .refine(
    body =>
      body.replicas !== undefined ||
      body.cpu !== undefined ||
      body.memory !== undefined,
    { message: 'give at least one of replicas, cpu, memory' },
  );

/** @public */
export type ScaleServiceRequest = z.infer<typeof scaleServiceRequestSchema>;

const pageSchema = z.coerce.number().int().min(1).max(100_000).default(1);
const limitSchema = z.coerce.number().int().min(1).max(100).default(20);

/** `GET /services` query. @public */
export const listServicesQuerySchema = z
  .object({
    page: pageSchema,
    limit: limitSchema,
    engine: engineIdSchema.optional(),
    plan: planIdSchema.optional(),
    region: regionIdSchema.optional(),
    status: z.enum(SERVICE_STATUSES).optional(),
    tenant: tenantRefSchema.optional(),
    /** Substring of the name. */
    q: z.string().min(1).max(40).optional(),
    /**
     * `true` lists deleted databases instead, newest deletion first: their
     * backups stay restorable for their retention.
     */
    deleted: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** @public */
export type ListServicesQuery = z.infer<typeof listServicesQuerySchema>;

/**
 * `DELETE /services/{id}` query. Where backups are on but the database's engine
 * cannot take a final backup (engineBackups), the delete must say it accepts
 * that none will exist.
 * @public
 */
export const deleteServiceQuerySchema = z
  .object({
    dryRun: z
      .enum(['true', 'false'])
      .optional()
      .describe(
        '`true`: check the deletion and answer the claim file it would remove (200), without deleting',
      ),
    confirmNoFinalBackup: z
      .enum(['true', 'false'])
      .optional()
      .describe(
        '`true`: delete although the engine can take no final backup (the reason is in the 409 otherwise)',
      ),
  })
  .strict();

/** @public */
export type DeleteServiceQuery = z.infer<typeof deleteServiceQuerySchema>;

/** `POST /services/{id}/backups`. @public */
export const createBackupRequestSchema = z
  .object({
    type: z.literal('manual').default('manual'),
    description: z.string().max(500).optional(),
  })
  .strict();

/**
 * `POST /services/{id}/cdc-pipelines`: a new pipeline, as the claim declares
 * it (the `CreateCdcPipelineRequest` type); it starts unpaused.
 * @public
 */
export const createCdcPipelineRequestSchema = cdcPipelineSchema
  .pick({ name: true, tables: true, snapshot: true })
  .strict();

/** `POST /services/{id}/restore`. @public */
export const restoreRequestSchema = z
  .object({
    backupId: z.uuid('must be the id of one of the database\u2019s backups'),
    /** Restore to this moment (point-in-time recovery) instead of the backup's end. */
    pointInTime: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 timestamp' })
      .optional(),
    /** The new database's name; `<source>-restored-<time>` when not given. */
    targetName: serviceNameSchema.optional(),
  })
  .strict();

/** @public */
export type RestoreRequest = z.infer<typeof restoreRequestSchema>;

const durationSchema = z
  .string()
  .regex(/^[1-9][0-9]*(s|m|h)$/, 'must be a duration such as 30s, 5m or 1h');

/** `GET /services/{id}/metrics` query; defaults to the last hour in 1m steps. @public */
export const metricsQuerySchema = z
  .object({
    start: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 timestamp' })
      .optional(),
    end: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 timestamp' })
      .optional(),
    step: durationSchema.default('1m'),
  })
  .strict();

/** `POST /organizations/{id}/members`: grant a user or group a role. @public */
export const grantRoleRequestSchema = z
  .object({
    principal: entityRefSchema,
    role: z.enum(DBAAS_ROLES),
    /** A tenant of the organization, for the service roles; the whole organization when left out. */
    tenant: tenantRefSchema.optional(),
  })
  .strict();

/** @public */
export type GrantRoleRequest = z.infer<typeof grantRoleRequestSchema>;

/** `DELETE /organizations/{id}/members/{principal}` query: the tenant of a tenant-scoped role. @public */
export const revokeRoleQuerySchema = z
  .object({ tenant: tenantRefSchema.optional() })
  .strict();

/** A tenant's limits. @public */
export const tenantQuotaSchema = z
  .object({
    instances: z.number().int().min(0).max(100_000),
    storageGi: z.number().min(0).max(10_000_000),
    cpu: z.number().min(0).max(1_000_000),
    memoryGi: z.number().min(0).max(10_000_000),
    backups: z.number().int().min(0).max(1_000_000),
    /** CDC pipelines over all of the tenant's live databases. */
    cdcPipelines: z.number().int().min(0).max(1_000_000),
  })
  .strict();

/** @public */
export type TenantQuota = z.infer<typeof tenantQuotaSchema>;

/** `PUT /organizations/{id}/quotas`: one tenant's limits. @public */
export const setQuotaRequestSchema = z
  .object({ tenant: tenantRefSchema, quota: tenantQuotaSchema })
  .strict();

/** @public */
export type SetQuotaRequest = z.infer<typeof setQuotaRequestSchema>;

const auditTimestampSchema = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 timestamp',
});

/**
 * `GET /audit-logs` query: a tenant's audit events, or a whole organization's
 * (its tenants' and its own, such as roles granted on the whole organization).
 * @public
 */
export const auditLogQuerySchema = z
  .object({
    /** Every event of the organization; `tenant` then narrows them. */
    organization: organizationRefSchema.optional(),
    /**
     * One tenant's events. With `organization`, the organization's own ref
     * names its own events (roles on the whole organization).
     */
    tenant: tenantRefSchema.optional(),
    page: pageSchema,
    limit: limitSchema,
    action: z.string().min(1).max(100).optional(),
    /** Who acted: a user's entity ref, or the subject of a plugin. */
    actor: z
      .string()
      .min(1)
      .max(255)
      // Audit events name actors in lower case, as Backstage compares refs.
      .transform(actor => actor.toLowerCase())
      .optional(),
    since: auditTimestampSchema.optional(),
    until: auditTimestampSchema.optional(),
  })
  .strict()
  .refine(
    query => query.tenant !== undefined || query.organization !== undefined,
    { message: 'give a tenant, an organization or both', path: ['tenant'] },
  )
  .refine(
    query =>
      !query.since ||
      !query.until ||
      Date.parse(query.since) <= Date.parse(query.until),
    { message: 'must not be before since', path: ['until'] },
  );

/** @public */
export type AuditLogQuery = z.infer<typeof auditLogQuerySchema>;
