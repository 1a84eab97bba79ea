import { openApiErrorResponses } from './openApiErrorResponses';
import { openApiPaths } from './openApiPaths';
import type { JsonSchema } from './openApiRef';
import { openApiResponseSchemas } from './openApiResponseSchemas';
import { openApiZodSchemas } from './openApiZodSchemas';

/**
 * The version of the DBaaS API's OpenAPI document. The major version is the
 * `/v1` of the paths; raise the minor version when the API grows.
 * @public
 */
export const DBAAS_API_VERSION = '1.0.0';

// Paragraphs without hard line breaks, which YAML would otherwise fold badly.
const description = [
  'The control plane of the DBaaS portal: the service catalog, databases and their backups, restores, CDC pipelines and metrics, organizations with their members and quotas, and the audit log.',
  "Every request carries a Backstage token: a user's, from signing in to the portal (with Keycloak as the identity provider), or another Backstage plugin's service token. Keycloak's own tokens are not accepted.",
  "Each tenant (a catalog group), or the caller for requests about no one tenant, has a request rate limit; past it, requests answer 429 with `Retry-After`. The answer to every authenticated request carries `X-Request-Id`, the caller's when it sent a sane one; audit events and logs carry the same id.",
  'A route that takes query parameters rejects ones it does not know rather than ignoring them. Entity references are compared case-insensitively.',
].join('\n\n');

/**
 * The OpenAPI 3.1 document of the DBaaS API (`/api/dbaas/v1`). Request bodies and
 * query parameters are generated from the same zod schemas the API validates with.
 * The backend serves it at `GET /api/dbaas/openapi.json`, where the catalog's
 * API entity reads it (docs/api.md); the repository keeps no copy.
 * @public
 */
export function dbaasOpenApiDocument(): JsonSchema {
  const { components, queries } = openApiZodSchemas();
  return {
    openapi: '3.1.0',
    info: {
      title: 'DBaaS API',
      version: DBAAS_API_VERSION,
      description,
    },
    servers: [
      {
        url: '/api/dbaas',
        description: 'The portal backend the DBaaS plugin is mounted in',
      },
    ],
    security: [{ backstageToken: [] }],
    tags: [
      { name: 'Catalog', description: 'The SKUs a database can be made from' },
      { name: 'Services', description: 'The lifecycle of databases' },
      { name: 'Backups', description: 'Backups and restores' },
      {
        name: 'CDC',
        description:
          "Change data capture: a database's changes streamed to the tenant's Kafka topics",
      },
      {
        name: 'Metrics',
        description: 'Time series from the monitoring system',
      },
      {
        name: 'Organizations',
        description:
          'Organizations, their members and their tenants\u2019 quotas',
      },
      {
        name: 'Alerts',
        description:
          "Alerts about databases from their PoPs' Alertmanagers, and muting them",
      },
      { name: 'Audit', description: 'Who did what, per tenant' },
      {
        name: 'Platform',
        description: 'The whole platform at a glance, for platform admins',
      },
      {
        name: 'API clients',
        description:
          'Scripts and CI jobs calling the API with their own tokens, each acting for the user who registered it',
      },
      { name: 'API', description: 'The API itself' },
    ],
    paths: openApiPaths(queries),
    components: {
      securitySchemes: {
        backstageToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Backstage user token (issued at sign-in through Keycloak) or a Backstage service token.',
        },
      },
      parameters: {
        ServiceId: {
          name: 'id',
          in: 'path',
          required: true,
          description:
            'The database id. Anything but a UUID answers 404, as does a database the caller may not see.',
          schema: { type: 'string', format: 'uuid' },
        },
        RestoreId: {
          name: 'restoreId',
          in: 'path',
          required: true,
          description:
            'The restore id. Anything but a UUID answers 404, as does a restore of another database.',
          schema: { type: 'string', format: 'uuid' },
        },
        CdcPipelineName: {
          name: 'name',
          in: 'path',
          required: true,
          description:
            "The CDC pipeline's name, unique among the database's pipelines.",
          schema: { type: 'string' },
        },
        OrganizationId: {
          name: 'id',
          in: 'path',
          required: true,
          description:
            'The organization: a group reference with its slash encoded (`group:default%2Facme`), or a group name in the default namespace (`acme`).',
          schema: { type: 'string' },
        },
        Principal: {
          name: 'principal',
          in: 'path',
          required: true,
          description:
            'The user or group holding the role, as an entity reference with its slash encoded (`user:default%2Fada`).',
          schema: { type: 'string' },
        },
        ApiClientSubject: {
          name: 'subject',
          in: 'path',
          required: true,
          description:
            'The API client\u2019s subject, URL-encoded (`external%3Akeycloak%3A4f1c…`).',
          schema: { type: 'string' },
        },
        RequestId: {
          name: 'X-Request-Id',
          in: 'header',
          required: false,
          description:
            'An id to trace the request by; one of up to 100 of `A-Z a-z 0-9 . _ : -`, else the API picks one.',
          schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$' },
        },
      },
      headers: {
        RequestId: {
          description: "The request's id, as in its audit events and logs.",
          schema: { type: 'string' },
        },
        RetryAfter: {
          description:
            'Seconds until a rate-limited request may be retried; absent when waiting does not help (a quota).',
          schema: { type: 'integer', minimum: 0 },
        },
      },
      responses: openApiErrorResponses(),
      schemas: { ...components, ...openApiResponseSchemas },
    },
  };
}
