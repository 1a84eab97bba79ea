export { OrganizationMembers } from './OrganizationMembers';
