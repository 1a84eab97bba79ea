/**
 * The DBaaS portal's backend: the `/api/dbaas/v1` API, the permission policy
 * that decides DBaaS permissions by the roles users hold in organizations, and
 * the Kubernetes plugin's clusters from the PoPs.
 *
 * @packageDocumentation
 */
export { dbaasPlugin as default } from './plugin';
export { kubernetesModuleDbaasPops } from './kubernetes/kubernetesModuleDbaasPops';
export { permissionModuleDbaasPolicy } from './permissions/permissionModuleDbaasPolicy';
export { DbaasPermissionPolicy } from './permissions/DbaasPermissionPolicy';
export {
  createDbaasOrganizationConditionalDecision,
  createDbaasServiceConditionalDecision,
  dbaasOrganizationConditions,
  dbaasServiceConditions,
} from './permissions/conditions';
