import {
  CDC_PIPELINES_PER_DATABASE,
  cdcPipelineSchema,
} from '../cdc/cdcPipelineSchema';
import { z } from 'zod';
import {
  engineIdSchema,
  planIdSchema,
  regionIdSchema,
} from '../catalog/schema';
import { byteQuantitySchema, cpuQuantitySchema } from './quantity';

// minute, hour, day of month, month, day of week (0 and 7 are Sunday)
const cronRanges: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const cronPart = /^(\*|([0-9]+)(-([0-9]+))?)(\/([0-9]+))?$/;

/** One cron field: `*`, `n`, `a-b`, each with an optional `/step`, comma-separated. */
function isCronField(field: string, [min, max]: [number, number]): boolean {
  return field.split(',').every(part => {
    const match = part.match(cronPart);
    if (!match) return false;
    const [, , from, , to, , step] = match;
    const inRange = (v?: string) =>
      v === undefined || (Number(v) >= min && Number(v) <= max);
    return (
      inRange(from) &&
      inRange(to) &&
      (to === undefined || Number(from) <= Number(to)) &&
      (step === undefined || Number(step) >= 1)
    );
  });
}

/** A five-field cron expression, e.g. `0 *\/6 * * *`. @public */
export const cronScheduleSchema = z.string().refine(
  value => {
    const fields = value.trim().split(/\s+/);
    return (
      fields.length === 5 &&
      fields.every((f, i) => isCronField(f, cronRanges[i]))
    );
  },
  {
    message:
      'must be a five-field cron expression such as "0 */6 * * *" (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7)',
  },
);

/** A duration in days or hours, e.g. `14d`, `36h`. @public */
export const retentionSchema = z
  .string()
  .regex(/^[1-9][0-9]*(d|h)$/, 'must be a duration such as 14d or 36h');

/** A retention (retentionSchema, e.g. `14d`, `36h`) in milliseconds. @public */
export function retentionMs(retention: string): number {
  const amount = Number(retention.slice(0, -1));
  return amount * (retention.endsWith('h') ? 3_600_000 : 86_400_000);
}

/**
 * How long a database's backups are kept when its claim does not say: what the
 * API's restore checks and the backup quota assume. @public
 */
export const DEFAULT_BACKUP_RETENTION = '14d';

/** How long a spec's backups are kept: its retention, else the default. @public */
export function backupRetention(spec: {
  backup?: { retention?: string };
}): string {
  return spec.backup?.retention ?? DEFAULT_BACKUP_RETENTION;
}

/**
 * Where backups go: an object storage URL such as `s3://bucket/path`, under
 * which each database's backups get a folder of their own (`<name>-<id>`).
 * @public
 */
export const backupDestinationSchema = z
  .string()
  .regex(
    /^(s3|gs|azure):\/\/[^\s]+$/,
    'must be an object storage URL such as s3://bucket/path',
  );

/**
 * Whether the portal runs restore drills of a database: as its spec says, else
 * on for every plan but shared.
 * @public
 */
export function restoreDrillsOn(spec: {
  plan: string;
  backup: { drills?: boolean };
}): boolean {
  return spec.backup.drills ?? spec.plan !== 'shared';
}

/** An IPv4 CIDR, e.g. `10.0.0.0/8`. @public */
export const cidrSchema = z
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
        class: z.string().min(1).max(253).optional(),
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
        destination: backupDestinationSchema.optional(),
        /**
         * Restore drills: the portal restores the latest backup into a
         * scratch database now and then and records how long it took. When
         * unset, on for every plan but shared (restoreDrillsOn). The operator
         * renders nothing of it.
         */
        drills: z.boolean().optional(),
      })
      .strict(),
    /**
     * Where the database's data comes from when it is a restore: a backup of
     * another database of the same tenant (so the same namespace), replayed to
     * a moment when one is given. Set when the database is ordered and never
     * changed: it records where the data came from.
     */
    restore: z
      .object({
        /** The claim whose backup this database starts from. */
        source: z
          .string()
          .max(63)
          .regex(
            /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
            'must be the name of a ServiceClaim',
          ),
        /**
         * The source's database id (its claim's `dbaas.io/service-id`): each
         * database's backups have a place of its own under the PoP's default
         * destination, `<namespace>/<name>-<id>`, so a database deleted and
         * made again under the same name never shares one. Without it, the
         * place of a source claim that carried no id, `<namespace>/<name>`.
         */
        sourceId: z
          .string()
          .max(63)
          .regex(
            /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
            'must be a database id (a label value)',
          )
          .optional(),
        /** Where the source's backups are, when its claim named a destination. */
        destination: backupDestinationSchema.optional(),
        /**
         * The engine's own id of the backup (Barman's backup ID on PostgreSQL,
         * PBM's backup name on MongoDB).
         */
        backup: z.string().min(1).max(128),
        /** Replay the source's log up to this moment; without it, stop at the backup's end. */
        pointInTime: z.iso
          .datetime({ offset: true, message: 'must be an RFC 3339 timestamp' })
          .optional(),
      })
      .strict()
      .optional(),
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
    /** Change data capture: the database's changes streamed to Kafka. */
    cdc: z
      .object({
        pipelines: z.array(cdcPipelineSchema).max(CDC_PIPELINES_PER_DATABASE),
      })
      .strict()
      .optional(),
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
