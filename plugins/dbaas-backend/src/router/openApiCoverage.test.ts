import { mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { dbaasOpenApiDocument } from '@internal/backstage-plugin-dbaas-common/openapi';
import { createRouter } from './router';
import type { RouteContext } from './routes/RouteContext';

type RouteLayer = {
  route?: { path: string; methods: Record<string, boolean> };
};

/**
 * `METHOD /path` of every route the router serves, in OpenAPI's spelling
 * (`:id` → `{id}`). Registering routes runs no handler, so the stores and
 * services can be empty stand-ins.
 */
async function servedRoutes(): Promise<string[]> {
  const router = await createRouter({
    metrics: metricsServiceMock.mock(),
    httpAuth: mockServices.httpAuth(),
    logger: mockServices.logger.mock(),
    context: {} as RouteContext,
  });
  return (router.stack as RouteLayer[]).flatMap(({ route }) =>
    route
      ? Object.keys(route.methods)
          .filter(method => route.methods[method])
          .map(
            method =>
              `${method.toUpperCase()} ${route.path.replace(
                /:(\w+)/g,
                '{$1}',
              )}`,
          )
      : [],
  );
}

function documentedRoutes(): string[] {
  const { paths } = dbaasOpenApiDocument() as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.keys(item).map(method => `${method.toUpperCase()} ${path}`),
  );
}

describe('the OpenAPI document', () => {
  it('describes exactly the routes the router serves', async () => {
    const served = await servedRoutes();
    // Guards the walk itself: an empty list would match an empty document.
    expect(served).toContain('GET /v1/services/{id}');
    expect(served).toHaveLength(new Set(served).size);
    expect(documentedRoutes().sort()).toEqual(served.sort());
  });
});
