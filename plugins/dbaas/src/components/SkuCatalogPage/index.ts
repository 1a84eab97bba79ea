export { SkuCatalogPage } from './SkuCatalogPage';
