import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ENGINE_IDS, PLAN_IDS } from '@internal/backstage-plugin-dbaas-common';
import { orderDatabase } from '../operations/orderDatabase';
import { runAsUser, type DbaasActionDeps } from './runAsUser';
import { databaseSummarySchema, quotaAmountsSchema } from './summarySchemas';

/** `dbaas:order-database`: `POST /v1/services`, a dry run unless told otherwise. */
export function registerOrderDatabaseAction(
  registry: ActionsRegistryService,
  deps: DbaasActionDeps,
) {
  registry.register({
    name: 'order-database',
    title: 'Order a database',
    description: [
      'Orders a new database in a tenant of the signed-in user. Always call it with dryRun: true first (the default): that checks everything the order is checked for (the user may create databases in the tenant, the engine, plan, region and SKU exist, the configuration keeps the rules, the name is free, the quota allows it) and answers what would be ordered, its footprint and the quota it would leave, creating nothing.',
      'Show that to the user and ask them to confirm. Only then call again with the same input and dryRun: false, which orders the database for real: it is committed to the GitOps repository, provisioned in the region, counts against the tenant\u2019s quota and is audited as the user.',
      'Leave tenant out when the user may order in just one tenant; get-quota says where they may (mayOrder).',
    ].join(' '),
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          name: z
            .string()
            .describe(
              'The database name: lower-case letters, digits and dashes, starting with a letter, at most 40 characters, unique in the tenant',
            ),
          tenant: z
            .string()
            .optional()
            .describe(
              'The tenant that will own it, a catalog group reference such as group:default/payments; by default the one tenant the user may order in',
            ),
          engine: z.enum(ENGINE_IDS).describe('The database engine'),
          plan: z
            .enum(PLAN_IDS)
            .describe('The plan, from least to most available'),
          region: z.string().describe('The primary region (PoP), e.g. lagos'),
          sku: z
            .string()
            .optional()
            .describe(
              'The SKU to start from; by default the first SKU of the engine and plan stocked in the region',
            ),
          config: z
            .record(z.unknown())
            .optional()
            .describe(
              'What should differ from the SKU\u2019s defaults, as in POST /api/dbaas/v1/services: storageSize (e.g. "200Gi"), version, replicationFactor, backup ({ enabled, schedule, retention }), allowedCIDRs, ...',
            ),
          dryRun: z
            .boolean()
            .default(true)
            .describe(
              'true (the default): only check and preview the order. false: order the database, once the user has confirmed the dry run',
            ),
        }),
      output: z =>
        z.object({
          dryRun: z.boolean(),
          message: z.string(),
          preview: z
            .object({
              tenant: z.string(),
              organization: z.string(),
              claimPath: z.string(),
              footprint: quotaAmountsSchema(z).omit({ backups: true }),
              quotaLeftAfter: quotaAmountsSchema(z),
            })
            .passthrough()
            .optional()
            .describe('On a dry run: what would be ordered'),
          database: databaseSummarySchema(z)
            .optional()
            .describe('Once ordered: the database, pending'),
        }),
    },
    action: async ({ input, credentials, logger }) =>
      runAsUser(deps, credentials, async caller => {
        const { dryRun, ...request } = input;
        const outcome = await orderDatabase(deps.context, { caller }, request, {
          dryRun,
        });
        if (outcome.dryRun) {
          const { preview } = outcome;
          return {
            output: {
              dryRun: true,
              message: `Nothing was ordered. ${preview.name} would be a ${preview.config.engine} database (${preview.config.plan}, ${preview.config.region}) of ${preview.tenant}; ask the user to confirm before ordering it with dryRun: false.`,
              preview,
            },
          };
        }
        const { database } = outcome;
        logger.info(
          `${caller.actor} ordered database ${database.name} of ${database.tenant} through an action`,
        );
        return {
          output: {
            dryRun: false,
            message: `Ordered ${database.name} in ${database.tenant}; it is ${database.status} until provisioned`,
            database,
          },
        };
      }),
  });
}
