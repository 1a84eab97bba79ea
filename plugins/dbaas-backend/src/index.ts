/**
 * The DBaaS portal's backend: the `/api/dbaas/v1` API, and the permission policy
 * that decides DBaaS permissions by the roles users hold in organizations.
 *
 * @packageDocumentation
 */
export { dbaasPlugin as default } from './plugin';
export { permissionModuleDbaasPolicy } from './permissions/permissionModuleDbaasPolicy';
export { DbaasPermissionPolicy } from './permissions/DbaasPermissionPolicy';
export {
  createDbaasOrganizationConditionalDecision,
  createDbaasServiceConditionalDecision,
  dbaasOrganizationConditions,
  dbaasServiceConditions,
} from './permissions/conditions';
