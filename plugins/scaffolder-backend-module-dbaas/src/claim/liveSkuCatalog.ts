import {
  skuCatalogFor,
  type DbaasApi,
  type DbaasRequestOptions,
  type SkuCatalog,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * The SKU catalog the API resolves requests with now: the platform's SKUs
 * over the regions (PoPs) the API lists, so a template checks a request
 * against the same PoPs as POST /v1/services.
 */
export async function liveSkuCatalog(
  client: Pick<DbaasApi, 'listRegions'>,
  options: DbaasRequestOptions,
): Promise<SkuCatalog> {
  return skuCatalogFor(await client.listRegions(options));
}
