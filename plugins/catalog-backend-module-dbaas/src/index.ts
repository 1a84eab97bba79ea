/**
 * A catalog module that puts every DBaaS database in the software catalog as a
 * Resource of its tenant, and each topic of its CDC pipelines as an API.
 *
 * @packageDocumentation
 */
export { catalogModuleDbaasEntityProvider as default } from './module';
export { DbaasEntityProvider } from './DbaasEntityProvider';
export { serviceEntity } from './serviceEntity';
export { DBAAS_ANNOTATIONS } from '@internal/backstage-plugin-dbaas-common';
