import type { MonthlyPrice } from '../cost/monthlyPrice';
import { z } from 'zod';
import {
  engineIdSchema,
  planIdSchema,
  regionIdSchema,
  type Region,
  type SkuCatalog,
  type Sku,
} from './schema';
import { engineBackups, type BackupCapabilities } from './backupCapabilities';

/**
 * Query of `GET /api/dbaas/v1/catalog/skus`. Strict, so a misspelt filter is
 * reported instead of silently returning everything.
 * @public
 */
export const skuQuerySchema = z
  .object({
    engine: engineIdSchema.optional(),
    plan: planIdSchema.optional(),
    region: regionIdSchema.optional(),
  })
  .strict();

/** @public */
export type SkuQuery = z.infer<typeof skuQuerySchema>;

/** A SKU as the API lists it: with its engine's and plan's names and the plan's SLA. @public */
export type CatalogSku = Sku & {
  engineName: string;
  planName: string;
  slaPercent: number;
  /** What the platform does with the engine's backups (engineBackups). */
  backups: BackupCapabilities;
  /**
   * What a database of its default size costs a month at the configured
   * prices; absent when no prices are configured or its plan has none.
   */
  monthlyPrice?: MonthlyPrice;
};

/** Response body of `GET /api/dbaas/v1/catalog/skus`. @public */
export type CatalogSkuList = {
  items: CatalogSku[];
};

/** Response body of `GET /api/dbaas/v1/catalog/regions`: the PoPs, by id. @public */
export type RegionList = {
  items: Region[];
};

/**
 * A SKU with its engine's and plan's names and the plan's SLA, as the API lists it.
 * Throws if the catalog lacks the SKU's engine or plan, which the catalog schema rules out.
 * @public
 */
export function describeSku(catalog: SkuCatalog, sku: Sku): CatalogSku {
  const engine = catalog.engines.find(e => e.id === sku.engine);
  const plan = catalog.plans.find(p => p.id === sku.plan);
  if (!engine || !plan) {
    throw new Error(
      `SKU "${sku.id}" names an engine or plan the service catalog does not offer`,
    );
  }
  return {
    ...sku,
    engineName: engine.displayName,
    planName: plan.displayName,
    slaPercent: plan.slaPercent,
    backups: engineBackups[sku.engine],
  };
}
