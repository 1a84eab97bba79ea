/**
 * Scaffolder actions of the DBaaS portal: `dbaas:claim:create`,
 * `dbaas:claim:publish`, `dbaas:claim:wait` and `dbaas:service:update`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleDbaas as default } from './module';
export { createDbaasClaimCreateAction } from './actions/createDbaasClaimCreateAction';
export { createDbaasClaimPublishAction } from './actions/createDbaasClaimPublishAction';
export { createDbaasClaimWaitAction } from './actions/createDbaasClaimWaitAction';
export { createDbaasServiceUpdateAction } from './actions/createDbaasServiceUpdateAction';
export { DbaasApiClient } from './client/DbaasApiClient';
export { DbaasApiError } from './client/DbaasApiError';
