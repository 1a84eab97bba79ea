import { InputError } from '@backstage/errors';
import {
  formatZodError,
  skuQuerySchema,
  type CatalogSkuList,
} from '@internal/backstage-plugin-dbaas-common';
import express from 'express';
import Router from 'express-promise-router';
import { CatalogStore } from '../database/CatalogStore';

/** Routes of the DBaaS API, mounted by the plugin at `/api/dbaas`. */
export async function createRouter(options: {
  catalogStore: CatalogStore;
}): Promise<express.Router> {
  const { catalogStore } = options;
  const router = Router();
  router.use(express.json());

  router.get('/v1/catalog/skus', async (req, res) => {
    const query = skuQuerySchema.safeParse(req.query);
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
