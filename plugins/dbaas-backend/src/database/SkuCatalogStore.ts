import type {
  CatalogSku,
  SkuCatalog,
  SkuQuery,
} from '@internal/backstage-plugin-dbaas-common';

/** The service catalog as the API serves it. */
export interface SkuCatalogStore {
  /** Makes the stored catalog equal to the given one, in one transaction. */
  replaceCatalog(catalog: SkuCatalog): Promise<void>;
  /** SKUs matching every filter in the query, in catalog order. */
  listSkus(query: SkuQuery): Promise<CatalogSku[]>;
}
