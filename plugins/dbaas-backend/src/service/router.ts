import { InputError } from '@backstage/errors';
import {
  formatZodError,
  skuQuerySchema,
  type CatalogSkuList,
} from '@internal/backstage-plugin-dbaas-common';
import express from 'express';
import Router from 'express-promise-router';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { CatalogStore } from '../database/CatalogStore';

/** Routes of the DBaaS API, mounted by the plugin at `/api/dbaas`. */
export async function createRouter(options: {
  catalogStore: CatalogStore;
  metrics: MetricsService;
}): Promise<express.Router> {
  const { catalogStore, metrics } = options;
  const router = Router();
  router.use(express.json());

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
      );
    }
    const body: CatalogSkuList = {
      items: await catalogStore.listSkus(query.data),
    };
    res.json(body);
  });

  return router;
}
