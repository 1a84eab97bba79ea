import { NotFoundError } from '@backstage/errors';
import {
  DBAAS_OPENAPI_PATH,
  skuQuerySchema,
  specFromSku,
  type CatalogSkuList,
  type RegionList,
} from '@internal/backstage-plugin-dbaas-common';
import { dbaasOpenApiDocument } from '@internal/backstage-plugin-dbaas-common/openapi';
import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { apiMetrics } from './apiMetrics';
import { errorHandler } from './errorHandler';
import { invalidInput } from '../errors/invalidInput';
import { parseInput } from './parse';
import { callerOf } from './requestContext';
import { addAlertRoutes, addAlertmanagerWebhook } from './routes/alertRoutes';
import { addApiClientRoutes } from './routes/apiClientRoutes';
import { addAuditRoutes } from './routes/auditRoutes';
import { addBackupRoutes } from './routes/backupRoutes';
import { addCdcRoutes } from './routes/cdcRoutes';
import { addMetricsRoutes } from './routes/metricsRoutes';
import { addOrganizationRoutes } from './routes/organizationRoutes';
import { addPlatformRoutes } from './routes/platformRoutes';
import type { RouteContext } from './routes/RouteContext';
import { addServiceRoutes } from './routes/serviceRoutes';
import { priced } from '../cost/priced';

/** Routes of the DBaaS API, mounted by the plugin at `/api/dbaas`. */
export async function createRouter(options: {
  metrics: MetricsService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
  context: RouteContext;
}): Promise<express.Router> {
  const { metrics, httpAuth, logger, context } = options;
  const router = Router();
  router.use(apiMetrics(metrics));
  // Authentication is checked here rather than by the framework's auth policy, so
  // that a missing or bad token is answered in the API's own error shape; and
  // before the body is read, so an anonymous caller learns nothing from it.
  router.use(async (req, res, next) => {
    res.locals.caller = await callerOf(httpAuth, req, res);
    next();
  });
  addAlertmanagerWebhook(router, context);
  // The rate limit charges the authenticated caller's own budget, here and only
  // here: a budget keyed on anything the request names (a tenant, a database)
  // would let one caller lock others out, or escape the limit by naming made-up
  // keys, each a row of its own in the table.
  router.use(async (_req, res, next) => {
    await context.rateLimiter.consume(res.locals.caller.actor);
    next();
  });
  router.use(express.json({ limit: '64kb' }));
  // express.json skips other content types, which would leave an empty body that
  // a route could take for valid input.
  router.use((req, _res, next) => {
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      throw invalidInput('request', [
        {
          path: ['content-type'],
          message: `must be application/json, not ${
            req.headers['content-type'] ?? 'missing'
          }`,
        },
      ]);
    }
    next();
  });

  const catalogRequests = metrics.createCounter<{ outcome: string }>(
    'dbaas.catalog.requests',
    { description: 'Requests for the SKU catalog, by outcome' },
  );

  router.get('/v1/catalog/skus', async (req, res) => {
    const valid = skuQuerySchema.safeParse(req.query).success;
    catalogRequests.add(1, { outcome: valid ? 'ok' : 'invalid' });
    const query = parseInput(skuQuerySchema, req.query, 'SKU filter');
    if (query.region) {
      const regions = (await context.skuCatalog.regions()).map(r => r.id);
      if (!regions.includes(query.region)) {
        throw invalidInput('SKU filter', [
          {
            path: ['region'],
            message: `${query.region} is not a region of the catalog (${
              regions.join(', ') || 'none'
            })`,
          },
        ]);
      }
    }
    const { prices } = context.costs;
    const catalog = prices && (await context.skuCatalog.current());
    const body: CatalogSkuList = {
      items: (await context.skuCatalog.listSkus(query)).map(sku => ({
        ...sku,
        // The price of its default size, where it is first stocked.
        ...(catalog
          ? priced(prices, specFromSku(catalog, sku.id, sku.regions[0]))
          : {}),
      })),
    };
    res.json(body);
  });

  router.get('/v1/catalog/regions', async (_req, res) => {
    const body: RegionList = { items: await context.skuCatalog.regions() };
    res.json(body);
  });

  // The document depends on the code only: it is rendered once.
  let openApiDocument: string | undefined;
  router.get(DBAAS_OPENAPI_PATH, (_req, res) => {
    openApiDocument ??= JSON.stringify(dbaasOpenApiDocument());
    res.type('application/json').send(openApiDocument);
  });

  addServiceRoutes(router, context);
  addBackupRoutes(router, context);
  addCdcRoutes(router, context);
  addMetricsRoutes(router, context);
  addOrganizationRoutes(router, context);
  addPlatformRoutes(router, context);
  addApiClientRoutes(router, context);
  addAuditRoutes(router, context);
  addAlertRoutes(router, context);

  router.use((req, _res) => {
    throw new NotFoundError(
      `The DBaaS API has no route ${req.method} ${req.path}`,
    );
  });
  router.use(errorHandler(logger));
  return router;
}
