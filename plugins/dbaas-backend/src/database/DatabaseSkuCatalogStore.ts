import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  describeSku,
  skuSchema,
  type CatalogSku,
  type SkuCatalog,
  type SkuQuery,
} from '@internal/backstage-plugin-dbaas-common';
import { Knex } from 'knex';
import { SkuCatalogStore } from './SkuCatalogStore';
import { migratedClient } from './migrations';

type RawSkuRow = {
  id: string;
  engine: string;
  plan: string;
  position: number;
  document: string;
};

type RawSkuRegionRow = {
  sku_id: string;
  region: string;
};

/**
 * Keeps the SKUs in the plugin's database. Each SKU row carries the SKU as JSON;
 * the engine, plan and regions are columns of their own so that filters run in SQL.
 * Names and SLAs of engines and plans come from the catalog in code, their single source.
 */
export class DatabaseSkuCatalogStore implements SkuCatalogStore {
  static async create(options: {
    database: DatabaseService;
    catalog: SkuCatalog;
  }): Promise<DatabaseSkuCatalogStore> {
    const client = await migratedClient(options.database);
    return new DatabaseSkuCatalogStore(client, options.catalog);
  }

  private constructor(private readonly db: Knex, private catalog: SkuCatalog) {}

  async replaceCatalog(catalog: SkuCatalog): Promise<void> {
    await this.db.transaction(async tx => {
      const ids = catalog.skus.map(sku => sku.id);
      await tx<RawSkuRow>('catalog_skus').whereNotIn('id', ids).delete();
      // Regions are rewritten whole: cheaper to reason about than a diff,
      // and the catalog has tens of rows.
      await tx<RawSkuRegionRow>('catalog_sku_regions').delete();
      if (catalog.skus.length === 0) {
        return;
      }
      await tx<RawSkuRow>('catalog_skus')
        .insert(
          catalog.skus.map((sku, position) => ({
            id: sku.id,
            engine: sku.engine,
            plan: sku.plan,
            position,
            document: JSON.stringify(sku),
          })),
        )
        .onConflict('id')
        .merge();
      // Ignoring conflicts lets replicas that start together both succeed: on
      // PostgreSQL a concurrent transaction's delete may not see our inserts.
      await tx<RawSkuRegionRow>('catalog_sku_regions')
        .insert(
          catalog.skus.flatMap(sku =>
            sku.regions.map(region => ({ sku_id: sku.id, region })),
          ),
        )
        .onConflict(['sku_id', 'region'])
        .ignore();
    });
    this.catalog = catalog;
  }

  async listSkus(query: SkuQuery): Promise<CatalogSku[]> {
    const rows = await this.db<RawSkuRow>('catalog_skus')
      .modify(builder => {
        if (query.engine) builder.where('engine', query.engine);
        if (query.plan) builder.where('plan', query.plan);
        if (query.region) {
          builder.whereIn(
            'id',
            this.db<RawSkuRegionRow>('catalog_sku_regions')
              .select('sku_id')
              .where('region', query.region),
          );
        }
      })
      .orderBy('position')
      .select<Pick<RawSkuRow, 'document'>[]>('document');
    return rows.map(row => this.toCatalogSku(row.document));
  }

  private toCatalogSku(document: string): CatalogSku {
    return describeSku(this.catalog, skuSchema.parse(JSON.parse(document)));
  }
}
