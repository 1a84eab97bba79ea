import { InputError } from '@backstage/errors';
import {
  formatZodError,
  skuQuerySchema,
  type CatalogSkuList,
} from '@internal/backstage-plugin-dbaas-common';
import express from 'express';
import Router from 'express-promise-router';
import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { CatalogStore } from '../database/CatalogStore';
import { errorHandler } from './errorHandler';

/** Routes of the DBaaS API, mounted by the plugin at `/api/dbaas`. */
export async function createRouter(options: {
  catalogStore: CatalogStore;
  metrics: MetricsService;
  httpAuth: HttpAuthService;
  logger: LoggerService;
}): Promise<express.Router> {
  const { catalogStore, metrics, httpAuth, logger } = options;
  const router = Router();
  router.use(express.json());
  // Authentication is checked here rather than by the framework's auth policy, so
  // that a missing or bad token is answered in the API's own error shape.
  router.use(async (req, _res, next) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    next();
  });

  const catalogRequests = metrics.createCounter<{ outcome: string }>(
    'dbaas.catalog.requests',
    { description: 'Requests for the SKU catalog, by outcome' },
  );

  router.get('/v1/catalog/skus', async (req, res) => {
    const query = skuQuerySchema.safeParse(req.query);
    catalogRequests.add(1, { outcome: query.success ? 'ok' : 'invalid' });
    if (!query.success) {
      throw new InputError(
        `Invalid SKU filter: ${formatZodError(query.error)}`,
        query.error,
      );
    }
    const body: CatalogSkuList = {
      items: await catalogStore.listSkus(query.data),
    };
    res.json(body);
  });

  router.use(errorHandler(logger));
  return router;
}
