import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  ENGINE_IDS,
  MAX_SERVICES_PAGE_SIZE,
  PLAN_IDS,
  SERVICE_STATUSES,
} from '@internal/backstage-plugin-dbaas-common';
import { listDatabases } from '../operations/listDatabases';
import { runAsUser, type DbaasActionDeps } from './runAsUser';
import { databaseSummarySchema } from './summarySchemas';

/** `dbaas:list-databases`: `GET /v1/services` for the user. */
export function registerListDatabasesAction(
  registry: ActionsRegistryService,
  deps: DbaasActionDeps,
) {
  registry.register({
    name: 'list-databases',
    title: 'List my databases',
    description:
      'Lists the databases the signed-in user may see (those of their teams and of the organizations where they hold a role), newest first, a page at a time. Filter by tenant, engine, plan, region, status or a part of the name.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenant: z
            .string()
            .optional()
            .describe(
              'Only databases of this tenant, a catalog group reference such as group:default/payments',
            ),
          engine: z.enum(ENGINE_IDS).optional().describe('Only this engine'),
          plan: z.enum(PLAN_IDS).optional().describe('Only this plan'),
          region: z.string().optional().describe('Only this region (PoP)'),
          status: z
            .enum(SERVICE_STATUSES)
            .optional()
            .describe('Only databases in this status'),
          q: z
            .string()
            .optional()
            .describe('Only databases whose name contains this'),
          page: z
            .number()
            .int()
            .min(1)
            .optional()
            .describe('The page, from 1 (default 1)'),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_SERVICES_PAGE_SIZE)
            .optional()
            .describe(
              `Databases per page (default 20, at most ${MAX_SERVICES_PAGE_SIZE})`,
            ),
        }),
      output: z =>
        z.object({
          databases: z.array(databaseSummarySchema(z)),
          pagination: z.object({
            page: z.number(),
            limit: z.number(),
            total: z.number().describe('Databases matching, on all pages'),
          }),
        }),
    },
    action: async ({ input, credentials }) =>
      runAsUser(deps, credentials, async caller => {
        const page = await listDatabases(deps.context, caller, input);
        return {
          output: { databases: page.data, pagination: page.pagination },
        };
      }),
  });
}
