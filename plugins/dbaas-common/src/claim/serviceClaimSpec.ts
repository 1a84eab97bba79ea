import { z } from 'zod';
import {
  engineIdSchema,
  planIdSchema,
  regionIdSchema,
} from '../catalog/schema';
import { byteQuantitySchema, cpuQuantitySchema } from './quantity';

const cronField =
  /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;

/** A five-field cron expression, e.g. `0 *\/6 * * *`. @public */
export const cronScheduleSchema = z.string().refine(
  value => {
    const fields = value.trim().split(/\s+/);
    return fields.length === 5 && fields.every(f => cronField.test(f));
  },
  { message: 'must be a five-field cron expression such as "0 */6 * * *"' },
);

/** A duration in days or hours, e.g. `14d`, `36h`. @public */
export const retentionSchema = z
  .string()
  .regex(/^[1-9][0-9]*(d|h)$/, 'must be a duration such as 14d or 36h');

const cidrSchema = z
  .string()
  .regex(
    /^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/(3[0-2]|[12]?[0-9])$/,
    'must be an IPv4 CIDR such as 10.0.0.0/8',
  );

/** Size of one role of an engine (YugabyteDB tserver, Vitess vttablet, ...). @public */
export const roleResourcesSchema = z
  .object({
    replicas: z.number().int().min(1).max(99),
    cpu: cpuQuantitySchema,
    memory: byteQuantitySchema,
  })
  .strict();

/**
 * The shape of a ServiceClaim's spec: what a database request can say. Engine and plan
 * rules (serviceClaimSpecSchema) come on top of this shape.
 * @public
 */
export const serviceClaimSpecShape = z
  .object({
    /** The SKU the claim started from, when it did. */
    sku: z.string().min(1).optional(),
    engine: engineIdSchema,
    version: z.string().min(1),
    plan: planIdSchema,
    /** The primary region (PoP). */
    region: regionIdSchema,
    storage: z
      .object({
        size: byteQuantitySchema,
        class: z.string().min(1).optional(),
      })
      .strict(),
    replication: z
      .object({
        factor: z.number().int().min(1).max(9),
        regions: z.array(regionIdSchema).min(1),
      })
      .strict(),
    /** Engine roles and their sizes; which roles exist depends on the engine. */
    resources: z.record(z.string(), roleResourcesSchema),
    topology: z
      .object({
        /** Vitess keyspace shards, MongoDB shards. */
        shards: z.number().int().min(1).optional(),
        /** ScyllaDB and Aerospike racks (one per availability zone). */
        racks: z.number().int().min(1).optional(),
        /** MongoDB: a replica set or a sharded cluster. */
        mode: z.enum(['replicaset', 'sharded']).optional(),
      })
      .strict()
      .optional(),
    engineOptions: z
      .object({
        /** Aerospike strong-consistency namespaces. */
        strongConsistency: z.boolean().optional(),
      })
      .strict()
      .optional(),
    backup: z
      .object({
        enabled: z.boolean(),
        schedule: cronScheduleSchema.optional(),
        retention: retentionSchema.optional(),
        destination: z
          .string()
          .regex(
            /^(s3|gs|azure):\/\/[^\s]+$/,
            'must be an object storage URL such as s3://bucket/path',
          )
          .optional(),
      })
      .strict(),
    observability: z
      .object({
        metrics: z
          .object({
            enabled: z.boolean(),
            scrapeInterval: z
              .string()
              .regex(/^[1-9][0-9]*s$/, 'must be seconds such as 30s')
              .optional(),
          })
          .strict(),
        logs: z
          .object({
            enabled: z.boolean(),
            retention: retentionSchema.optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    highAvailability: z.object({ multiAZ: z.boolean() }).strict(),
    networking: z
      .object({
        tls: z
          .object({
            enabled: z.boolean(),
            /** Name of the Secret with the server certificate. */
            certificate: z.string().min(1).optional(),
          })
          .strict(),
        allowedCIDRs: z.array(cidrSchema),
      })
      .strict()
      .optional(),
  })
  .strict();

/** @public */
export type ServiceClaimSpec = z.infer<typeof serviceClaimSpecShape>;
