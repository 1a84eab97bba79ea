export { TenantName } from './TenantName';
