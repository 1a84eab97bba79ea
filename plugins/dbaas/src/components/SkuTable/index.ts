export { SkuTable } from './SkuTable';
