import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  DBAAS_ROLES_BY_PERMISSION,
  dbaasServiceReadPermission,
} from '@internal/backstage-plugin-dbaas-common';
import express from 'express';
import Router from 'express-promise-router';
import type { ServiceStore } from '../database/ServiceStore';
import {
  READABLE_TENANTS_PATH,
  readableTenantsQuerySchema,
  type ReadableTenantsResponse,
} from '../permissions/readableTenants';
import { errorHandler } from './errorHandler';
import { parseInput } from './parse';

/**
 * The route the portal's permission policy asks which tenants' databases a
 * user may read, to hide the others' database entities in the catalog
 * (catalogEntityReadDecision). It tells who holds roles where, so only the
 * permission plugin may call it; it is no part of the public API.
 */
export function createReadableTenantsRouter(options: {
  httpAuth: HttpAuthService;
  services: ServiceStore;
  logger: LoggerService;
}): express.Router {
  const { httpAuth, services, logger } = options;
  const router = Router();
  router.post(
    READABLE_TENANTS_PATH,
    // Authenticated before the body is read, as in the API's router.
    async (req, _res, next) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['service'],
      });
      if (credentials.principal.subject !== 'plugin:permission') {
        throw new NotAllowedError(
          `${READABLE_TENANTS_PATH} is for the permission plugin only`,
        );
      }
      next();
    },
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const { principals } = parseInput(
        readableTenantsQuerySchema,
        req.body,
        'readable tenants query',
      );
      // The same question as the policy's for dbaas.service.read (hasRole).
      const body: ReadableTenantsResponse = {
        tenants: await services.listTenantsWithServices({
          principals: principals.map(ref => ref.toLowerCase()),
          roles: DBAAS_ROLES_BY_PERMISSION[dbaasServiceReadPermission.name],
        }),
      };
      res.json(body);
    },
  );
  router.use(errorHandler(logger));
  return router;
}
