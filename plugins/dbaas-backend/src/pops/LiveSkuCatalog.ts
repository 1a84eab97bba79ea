import {
  skuCatalogFor,
  type CatalogSku,
  type Pop,
  type SkuCatalog,
  type SkuQuery,
} from '@internal/backstage-plugin-dbaas-common';
import type { SkuCatalogStore } from '../database/SkuCatalogStore';
import type { PopDirectory } from './CatalogPopDirectory';

/**
 * The SKU catalog over the PoPs of the moment (skuCatalogFor): read from the
 * PoP directory on every use, and written to the store whenever the PoPs
 * have changed, so a PoP added to the catalog offers its SKUs within the
 * directory's refresh without a restart or a release.
 */
export class LiveSkuCatalog {
  private applied?: { key: string; catalog: SkuCatalog; stored: Promise<void> };

  constructor(
    private readonly pops: PopDirectory,
    private readonly store: SkuCatalogStore,
  ) {}

  /** The catalog now. */
  async current(): Promise<SkuCatalog> {
    const pops = await this.pops.listPops();
    const key = JSON.stringify(pops);
    if (this.applied?.key !== key) {
      const catalog = skuCatalogFor(pops);
      const stored = this.store.replaceCatalog(catalog);
      this.applied = { key, catalog, stored };
      // A failed write is tried again by the next use.
      stored.catch(() => {
        if (this.applied?.stored === stored) this.applied = undefined;
      });
    }
    const { catalog, stored } = this.applied;
    await stored;
    return catalog;
  }

  /** The regions (PoPs) now. */
  async regions(): Promise<Pop[]> {
    return (await this.current()).regions;
  }

  /** SKUs matching every filter of the query, in catalog order. */
  async listSkus(query: SkuQuery): Promise<CatalogSku[]> {
    await this.current();
    return this.store.listSkus(query);
  }
}
