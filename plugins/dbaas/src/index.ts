/**
 * The DBaaS portal's frontend plugin.
 *
 * @packageDocumentation
 */
export { dbaasPlugin as default } from './plugin';
export { dbaasApiRef, type DbaasApi } from './api/DbaasApi';
