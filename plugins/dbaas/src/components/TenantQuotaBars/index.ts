export { TenantQuotaBars } from './TenantQuotaBars';
