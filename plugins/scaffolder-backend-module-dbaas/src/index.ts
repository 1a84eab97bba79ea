/**
 * Scaffolder actions of the DBaaS portal: `dbaas:claim:validate`,
 * `dbaas:claim:publish` and `dbaas:claim:wait` order a database;
 * `dbaas:service:configure`, `dbaas:service:scale`, `dbaas:service:upgrade`,
 * `dbaas:service:restore` and `dbaas:service:decommission` change one; `dbaas:cdc:create` streams its
 * tables' changes to Kafka.
 *
 * @packageDocumentation
 */
export { scaffolderModuleDbaas as default } from './module';
export { createDbaasActions } from './actions/createDbaasActions';
export { createDbaasClaimValidateAction } from './actions/createDbaasClaimValidateAction';
export { createDbaasClaimPublishAction } from './actions/createDbaasClaimPublishAction';
export { createDbaasClaimWaitAction } from './actions/createDbaasClaimWaitAction';
export { createDbaasServiceConfigureAction } from './actions/createDbaasServiceConfigureAction';
export { createDbaasServiceScaleAction } from './actions/createDbaasServiceScaleAction';
export { createDbaasServiceUpgradeAction } from './actions/createDbaasServiceUpgradeAction';
export { createDbaasServiceRestoreAction } from './actions/createDbaasServiceRestoreAction';
export { createDbaasServiceDecommissionAction } from './actions/createDbaasServiceDecommissionAction';
export { createDbaasCdcCreateAction } from './actions/createDbaasCdcCreateAction';
