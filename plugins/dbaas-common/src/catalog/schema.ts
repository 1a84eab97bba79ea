import { z } from 'zod';
import { NODE_SIZES, popIdSchema, popSchema } from './pops';

/** Identifiers of the database engines the platform offers. @public */
export const ENGINE_IDS = [
  'yugabyte',
  'vitess',
  'scylla',
  'dragonfly',
  'aerospike',
  'mongodb',
  'postgresql',
] as const;

/** Identifiers of the service plans, from least to most available. @public */
export const PLAN_IDS = ['shared', 'dedicated', 'clustered', 'global'] as const;

/** @public */
export const engineIdSchema = z.enum(ENGINE_IDS);
/** @public */
export const planIdSchema = z.enum(PLAN_IDS);
/**
 * A region in the API is a PoP: any PoP id is well formed, and whether the
 * PoP exists is checked against the live list (catalog/pops.ts).
 * @public
 */
export const regionIdSchema = popIdSchema;

/** @public */
export type EngineId = z.infer<typeof engineIdSchema>;
/** @public */
export type PlanId = z.infer<typeof planIdSchema>;
/** @public */
export type RegionId = z.infer<typeof regionIdSchema>;

/** @public */
export const engineSchema = z
  .object({
    id: engineIdSchema,
    displayName: z.string().min(1),
    description: z.string().min(1),
    /** The wire protocol clients speak to it. */
    protocol: z.string().min(1),
    versions: z.array(z.string().min(1)).min(1),
    defaultVersion: z.string().min(1),
  })
  .refine(engine => engine.versions.includes(engine.defaultVersion), {
    message: 'defaultVersion must be one of versions',
    path: ['defaultVersion'],
  });

/**
 * How a database on the plan may grow, in the words the API uses (docs/api.md):
 * shared databases only scale vertically, dedicated ones add replicas,
 * clustered ones add shards or ring members, global ones add regions.
 * @public
 */
export const SCALING_MODES = [
  'vertical-only',
  'replicas',
  'horizontal',
  'multi-region',
] as const;

/** @public */
export const planSchema = z
  .object({
    id: planIdSchema,
    displayName: z.string().min(1),
    description: z.string().min(1),
    /** Monthly uptime objective, in percent. */
    slaPercent: z.number().gt(90).lt(100),
    scaling: z.enum(SCALING_MODES),
    multiAZ: z.boolean(),
    minRegions: z.number().int().min(1),
  })
  .refine(plan => (plan.scaling === 'multi-region') === plan.minRegions > 1, {
    message: 'only a multi-region plan may require more than one region',
    path: ['minRegions'],
  });

/** A region of the SKU catalog: one PoP. @public */
export const regionSchema = popSchema;

/** Size of a SKU's default deployment; per-node figures multiply by nodes. @public */
export const skuDefaultsSchema = z.object({
  nodes: z.number().int().min(1),
  vcpuPerNode: z.number().positive(),
  memoryGiPerNode: z.number().int().positive(),
  storageGiPerNode: z.number().int().min(1),
  replicationFactor: z.number().int().min(1),
  /** Shards the nodes are split into (Vitess keyspace shards, MongoDB shards). */
  shards: z.number().int().min(1).optional(),
  /** Racks (availability zones) the nodes are spread over (ScyllaDB, Aerospike). */
  racks: z.number().int().min(1).optional(),
});

/** @public */
export const skuSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lowercase slug'),
    engine: engineIdSchema,
    plan: planIdSchema,
    displayName: z.string().min(1),
    description: z.string().min(1),
    /** The node size it runs on; a PoP offers it only if it stocks that size. */
    nodeSize: z.enum(NODE_SIZES).optional(),
    /** The PoPs it is offered in, from the live PoP list (skuCatalogFor). */
    regions: z.array(regionIdSchema).min(1),
    defaults: skuDefaultsSchema,
  })
  .refine(sku => sku.defaults.replicationFactor <= sku.defaults.nodes, {
    message: 'replicationFactor cannot exceed nodes',
    path: ['defaults', 'replicationFactor'],
  });

/** @public */
export type Engine = z.infer<typeof engineSchema>;
/** @public */
export type Plan = z.infer<typeof planSchema>;
/** @public */
export type Region = z.infer<typeof regionSchema>;
/** @public */
export type Sku = z.infer<typeof skuSchema>;

function duplicates(ids: string[]): string[] {
  return ids.filter((id, index) => ids.indexOf(id) !== index);
}

/**
 * The whole service catalog. Besides each entry's own shape it checks what ties
 * entries together, so a SKU can never name an engine, plan or region that is not offered.
 * @public
 */
export const skuCatalogSchema = z
  .object({
    engines: z.array(engineSchema),
    plans: z.array(planSchema),
    regions: z.array(regionSchema),
    skus: z.array(skuSchema),
  })
  .superRefine((catalog, ctx) => {
    for (const key of ['engines', 'plans', 'regions', 'skus'] as const) {
      for (const id of duplicates(catalog[key].map(entry => entry.id))) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `duplicate id "${id}"`,
        });
      }
    }
    const engines = new Set(catalog.engines.map(e => e.id));
    const plans = new Map(catalog.plans.map(p => [p.id, p]));
    const regions = new Set(catalog.regions.map(r => r.id));
    catalog.skus.forEach((sku, index) => {
      if (!engines.has(sku.engine)) {
        ctx.addIssue({
          code: 'custom',
          path: ['skus', index, 'engine'],
          message: `SKU "${sku.id}" names engine "${sku.engine}", which the catalog does not offer`,
        });
      }
      const plan = plans.get(sku.plan);
      if (!plan) {
        ctx.addIssue({
          code: 'custom',
          path: ['skus', index, 'plan'],
          message: `SKU "${sku.id}" names plan "${sku.plan}", which the catalog does not offer`,
        });
      } else if (sku.regions.length < plan.minRegions) {
        ctx.addIssue({
          code: 'custom',
          path: ['skus', index, 'regions'],
          message: `SKU "${sku.id}" is on the ${plan.id} plan, which needs at least ${plan.minRegions} regions`,
        });
      }
      for (const region of sku.regions) {
        if (!regions.has(region)) {
          ctx.addIssue({
            code: 'custom',
            path: ['skus', index, 'regions'],
            message: `SKU "${sku.id}" names region "${region}", which the catalog does not offer`,
          });
        }
      }
    });
  });

/** @public */
export type SkuCatalog = z.infer<typeof skuCatalogSchema>;
