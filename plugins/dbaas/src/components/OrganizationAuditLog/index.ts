export { OrganizationAuditLog } from './OrganizationAuditLog';
