import { mockServices } from '@backstage/backend-test-utils';
import type { PlaceholderResolverParams } from '@backstage/plugin-catalog-node';
import { StubDbaasApi } from '@internal/test-services';
import { dbaasPlaceholderResolver } from './dbaasPlaceholderResolver';
import { DbaasServiceClient } from './DbaasServiceClient';

describe('dbaasPlaceholderResolver', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
  });
  afterEach(() => api.close());

  const resolve = (value: string) =>
    dbaasPlaceholderResolver(
      new DbaasServiceClient({
        auth: mockServices.auth({ pluginId: 'catalog' }),
        discovery: api.discovery(),
      }),
    )({ key: 'dbaas', value } as PlaceholderResolverParams);

  it('puts the OpenAPI document the backend serves in the entity, read as the catalog', async () => {
    const document = { openapi: '3.1.0', info: { title: 'DBaaS API' } };
    api.on('GET', '/openapi.json', { body: document });

    const definition = await resolve('/openapi.json');

    expect(JSON.parse(definition as string)).toEqual(document);
    expect(api.requests.map(r => [r.url, r.caller])).toEqual([
      ['/api/dbaas/openapi.json', 'plugin:catalog'],
    ]);
  });

  it('reads nothing else the catalog may read', async () => {
    await expect(resolve('/v1/services')).rejects.toThrow(
      '$dbaas reads only /openapi.json, the API\u2019s OpenAPI document; got "/v1/services"',
    );
    expect(api.requests).toEqual([]);
  });
});
