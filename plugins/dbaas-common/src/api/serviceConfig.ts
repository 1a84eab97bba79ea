import { z } from 'zod';
import { regionIdSchema } from '../catalog/schema';
import { byteQuantitySchema, cpuQuantitySchema } from '../claim/quantity';
import {
  cronScheduleSchema,
  retentionSchema,
  serviceClaimSpecShape,
  type ServiceClaimSpec,
} from '../claim/serviceClaimSpec';

const specShape = serviceClaimSpecShape.shape;

/**
 * The `config` of a create or update request (docs/api.md, "Creating a database"): the knobs a
 * developer turns, flat and optional. Whatever is left out comes from the SKU's
 * default spec (create) or the database's current spec (update).
 * @public
 */
export const serviceConfigSchema = z
  .object({
    version: z.string().min(1).optional(),
    storageSize: byteQuantitySchema.optional(),
    storageClass: z.string().min(1).max(253).optional(),
    replicationFactor: z.number().int().min(1).max(9).optional(),
    /** Regions the data is replicated to, the primary region first. */
    regions: z.array(regionIdSchema).min(1).optional(),
    /** Sizes per engine role; a role left out keeps its size. */
    resources: z
      .record(
        // A plain name: keys such as __proto__ must never reach an object.
        z
          .string()
          .regex(/^[a-z][a-z0-9]*$/, 'must be a role name such as tserver'),
        z
          .object({
            replicas: z.number().int().min(1).max(99).optional(),
            cpu: cpuQuantitySchema.optional(),
            memory: byteQuantitySchema.optional(),
          })
          .strict(),
      )
      .optional(),
    shards: z.number().int().min(1).optional(),
    racks: z.number().int().min(1).optional(),
    strongConsistency: z.boolean().optional(),
    backup: z
      .object({
        enabled: z.boolean().optional(),
        schedule: cronScheduleSchema.optional(),
        retention: retentionSchema.optional(),
        destination: specShape.backup.shape.destination,
        drills: z.boolean().optional(),
      })
      .strict()
      .optional(),
    multiAZ: z.boolean().optional(),
    tls: z.boolean().optional(),
    allowedCIDRs: specShape.networking.unwrap().shape.allowedCIDRs.optional(),
  })
  .strict();

/** @public */
export type ServiceConfig = z.infer<typeof serviceConfigSchema>;

/**
 * Where each spec field comes from in a request's `config`, so that a rule broken
 * by the merged spec is reported against the field the caller sent.
 */
const configFieldBySpecPath: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^version$/, () => 'config.version'],
  [/^storage\.size$/, () => 'config.storageSize'],
  [/^storage\.class$/, () => 'config.storageClass'],
  [/^replication\.factor$/, () => 'config.replicationFactor'],
  [/^replication\.regions(\..*)?$/, m => `config.regions${m[1] ?? ''}`],
  [/^resources(\..*)?$/, m => `config.resources${m[1] ?? ''}`],
  [/^topology\.(shards|racks)$/, m => `config.${m[1]}`],
  [/^engineOptions\.strongConsistency$/, () => 'config.strongConsistency'],
  [/^backup(\..*)?$/, m => `config.backup${m[1] ?? ''}`],
  [/^highAvailability\.multiAZ$/, () => 'config.multiAZ'],
  [/^networking\.tls(\..*)?$/, () => 'config.tls'],
  [
    /^networking\.allowedCIDRs(\..*)?$/,
    m => `config.allowedCIDRs${m[1] ?? ''}`,
  ],
];

/**
 * The request field a spec path (e.g. `storage.size`) was set through (e.g.
 * `config.storageSize`); top-level choices (engine, plan, region) keep their name.
 * @public
 */
export function configFieldOfSpecPath(path: string): string {
  for (const [pattern, field] of configFieldBySpecPath) {
    const match = path.match(pattern);
    if (match) {
      return field(match);
    }
  }
  return path;
}

/**
 * A spec with a request's config applied on top. Pure: the base is not changed.
 * The result is not validated; run serviceClaimSpecSchema on it.
 * @public
 */
export function applyServiceConfig(
  base: ServiceClaimSpec,
  config: ServiceConfig,
): ServiceClaimSpec {
  const spec: ServiceClaimSpec = structuredClone(base);
  if (config.version !== undefined) spec.version = config.version;
  if (config.storageSize !== undefined) spec.storage.size = config.storageSize;
  if (config.storageClass !== undefined) {
    spec.storage.class = config.storageClass;
  }
  if (config.replicationFactor !== undefined) {
    spec.replication.factor = config.replicationFactor;
  }
  if (config.regions !== undefined) spec.replication.regions = config.regions;
  for (const [role, size] of Object.entries(config.resources ?? {})) {
    const current = spec.resources[role];
    const given = Object.entries(size).filter(([, v]) => v !== undefined);
    const merged = { ...current, ...Object.fromEntries(given) };
    spec.resources[role] = merged as ServiceClaimSpec['resources'][string];
  }
  if (config.shards !== undefined || config.racks !== undefined) {
    spec.topology = {
      ...spec.topology,
      ...(config.shards !== undefined ? { shards: config.shards } : {}),
      ...(config.racks !== undefined ? { racks: config.racks } : {}),
    };
  }
  if (config.strongConsistency !== undefined) {
    spec.engineOptions = {
      ...spec.engineOptions,
      strongConsistency: config.strongConsistency,
    };
  }
  if (config.backup) {
    spec.backup = { ...spec.backup, ...config.backup };
  }
  if (config.multiAZ !== undefined) {
    spec.highAvailability = { multiAZ: config.multiAZ };
  }
  if (config.tls !== undefined || config.allowedCIDRs !== undefined) {
    const networking = spec.networking ?? {
      tls: { enabled: true },
      allowedCIDRs: [],
    };
    spec.networking = {
      tls:
        config.tls !== undefined
          ? { ...networking.tls, enabled: config.tls }
          : networking.tls,
      allowedCIDRs: config.allowedCIDRs ?? networking.allowedCIDRs,
    };
  }
  return spec;
}
