import SwaggerParser from '@apidevtools/swagger-parser';
import { dbaasOpenApiDocument } from './openApiDocument';

type Doc = ReturnType<typeof dbaasOpenApiDocument> & {
  paths: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
};

describe('dbaasOpenApiDocument', () => {
  const document = dbaasOpenApiDocument() as Doc;
  const operations = Object.entries(document.paths).flatMap(([route, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      route,
      method,
      operation,
    })),
  );

  it('is a valid OpenAPI 3.1 document whose references all resolve', async () => {
    await expect(
      SwaggerParser.validate(structuredClone(document) as any),
    ).resolves.toBeDefined();
  });

  it('declares each path parameter of each route, and no other', () => {
    const parameters = document.components.parameters;
    for (const { route, method, operation } of operations) {
      const inPath = (operation.parameters as any[])
        .map(p => (p.$ref ? parameters[p.$ref.split('/').pop()] : p))
        .filter(p => p.in === 'path')
        .map(p => p.name);
      const templated = [...route.matchAll(/\{(\w+)\}/g)].map(m => m[1]);
      expect({ route, method, inPath }).toEqual({
        route,
        method,
        inPath: templated,
      });
    }
  });

  it('describes what a client sends as the zod schemas accept it', () => {
    const schemas = document.components.schemas;
    const create = schemas.CreateServiceRequest;
    expect(create.required).toEqual(
      expect.arrayContaining(['name', 'engine', 'plan', 'region']),
    );
    // Optional: the caller's one tenant when left out.
    expect(create.required).not.toContain('tenant');
    expect(create.required).not.toContain('config');
    expect(create.additionalProperties).toBe(false);
    expect(create.properties.tenant).toEqual({
      $ref: '#/components/schemas/TenantRef',
    });
    // Entity references are lower-cased by a transform: the client may send
    // either case. A tenant's refinement to groups is kept as a pattern.
    expect(
      new RegExp(schemas.EntityRef.pattern).test('group:default/Payments'),
    ).toBe(true);
    expect(schemas.TenantRef).toMatchObject({
      $ref: '#/components/schemas/EntityRef',
      pattern: '^group:',
    });

    // A query field with a default is optional to the client.
    const page = document.paths['/v1/services'].get.parameters.find(
      (p: any) => p.name === 'page',
    );
    expect(page).toMatchObject({
      in: 'query',
      required: false,
      schema: { default: 1 },
    });
  });

  it('gives every route its errors in the ApiError shape', () => {
    const responses = document.components.responses;
    for (const { operation } of operations) {
      expect(operation.responses).toMatchObject({
        401: { $ref: '#/components/responses/Unauthorized' },
        500: { $ref: '#/components/responses/InternalError' },
      });
    }
    expect(responses.QuotaExceeded.headers['Retry-After']).toBeDefined();
    expect(
      responses.NotFound.content['application/json'].schema.allOf,
    ).toContainEqual({ $ref: '#/components/schemas/ApiError' });
    const restore = document.paths['/v1/services/{id}/restore'].post;
    expect(Object.keys(restore.responses)).toEqual([
      // A dry run's answer.
      '200',
      '202',
      '400',
      '401',
      '403',
      '404',
      // What the engine behind the database cannot do (engineBackups).
      '409',
      '429',
      '500',
    ]);
  });

  it("describes a database's CDC pipelines and the changes of them", () => {
    const cdc = (path: string) => document.paths[`/v1/services/{id}${path}`];
    expect(Object.keys(cdc('/cdc-pipelines')).sort()).toEqual(['get', 'post']);
    expect(Object.keys(cdc('/cdc-pipelines/{name}')).sort()).toEqual([
      'delete',
      'get',
    ]);
    for (const verb of ['pause', 'resume', 'restart']) {
      expect(cdc(`/cdc-pipelines/{name}/${verb}`).post).toBeDefined();
    }
    const create = cdc('/cdc-pipelines').post;
    expect(Object.keys(create.responses)).toEqual([
      // A dry run's answer: the claim before and after.
      '200',
      '202',
      '400',
      '401',
      '403',
      '404',
      // The engine offers no CDC, or another database writes a table's topic.
      '409',
      // The tenant's quota of pipelines.
      '429',
      '500',
    ]);
    expect(create.responses['202'].headers.Location).toBeDefined();
    expect(create.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ServiceChangePreview',
    });
    const request = document.components.schemas.CreateCdcPipelineRequest;
    expect(request.required).toEqual(['name', 'tables']);
    expect(request.additionalProperties).toBe(false);
    expect(Object.keys(request.properties).sort()).toEqual([
      'name',
      'snapshot',
      'tables',
    ]);
    expect(cdc('/cdc-pipelines/{name}').delete.description).toMatch(
      /topics .* are kept.* for their retention/,
    );
    expect(document.components.schemas.TenantQuota.required).toContain(
      'cdcPipelines',
    );
  });

  it("lists each database's CDC topics with it, for the catalog's full run", () => {
    const summary = document.components.schemas.ServiceSummary;
    expect(summary.required).not.toContain('cdcPipelines');
    expect(summary.properties.cdcPipelines.items).toMatchObject({
      required: ['name', 'tables', 'topics'],
    });
  });
});
