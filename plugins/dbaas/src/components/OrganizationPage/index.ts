export { OrganizationPage } from './OrganizationPage';
export { OrganizationsPage } from './OrganizationsPage';
export { OrganizationButton } from './OrganizationButton';
