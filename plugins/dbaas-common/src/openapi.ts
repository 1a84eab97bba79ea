/**
 * The OpenAPI document of the DBaaS API, for the backend that serves it
 * (`GET /api/dbaas/openapi.json`). An entry point of its own, so that the
 * builders stay out of the frontend's bundle, which imports the package's main
 * entry point.
 *
 * @packageDocumentation
 */
export { dbaasOpenApiDocument, DBAAS_API_VERSION } from './api/openApiDocument';
