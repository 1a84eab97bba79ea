export { OrganizationBudgets } from './OrganizationBudgets';
