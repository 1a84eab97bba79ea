/**
 * Types, schemas and data shared by the DBaaS portal's frontend and backend packages.
 *
 * @packageDocumentation
 */

export * from './catalog/schema';
export { serviceCatalog } from './catalog/serviceCatalog';
export * from './catalog/skuQuery';
export { formatZodError } from './validation/formatZodError';
