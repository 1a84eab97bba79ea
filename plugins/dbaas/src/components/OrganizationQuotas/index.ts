export { OrganizationQuotas } from './OrganizationQuotas';
