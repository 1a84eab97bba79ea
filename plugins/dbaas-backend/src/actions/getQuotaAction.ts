import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  dbaasServiceCreatePermission,
  quotaLeft,
} from '@internal/backstage-plugin-dbaas-common';
import { tenantQuotaUsage } from '../operations/tenantQuotaUsage';
import { visibleOrganizations } from '../operations/visibleOrganizations';
import { runAsUser, type DbaasActionDeps } from './runAsUser';
import { quotaAmountsSchema } from './summarySchemas';

/**
 * `dbaas:get-quota`: `GET /v1/organizations/{id}/quotas` of each organization
 * the user may see, with what is left and whether they may order there.
 */
export function registerGetQuotaAction(
  registry: ActionsRegistryService,
  deps: DbaasActionDeps,
) {
  registry.register({
    name: 'get-quota',
    title: 'Get my tenants\u2019 quota',
    description:
      'The quota of each tenant in the organizations the signed-in user may see: its limits (databases, storage, CPU, memory, backups), what its live databases use, what is left, and whether the user may order databases there (mayOrder). Filter by tenant or organization.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z =>
        z.object({
          tenant: z
            .string()
            .optional()
            .describe(
              'Only this tenant, a catalog group reference such as group:default/payments',
            ),
          organization: z
            .string()
            .optional()
            .describe(
              'Only the tenants of this organization, a catalog group reference such as group:default/acme',
            ),
        }),
      output: z =>
        z.object({
          tenants: z.array(
            z.object({
              tenant: z.string(),
              organization: z.string(),
              mayOrder: z
                .boolean()
                .describe('Whether the user may order databases in the tenant'),
              quota: quotaAmountsSchema(z).passthrough(),
              usage: quotaAmountsSchema(z).passthrough(),
              left: quotaAmountsSchema(z),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      runAsUser(deps, credentials, async caller => {
        const { context } = deps;
        const wanted = (ref: string, filter?: string) =>
          filter === undefined || ref === filter.toLowerCase();
        const places = (await visibleOrganizations(context, caller))
          .filter(org => wanted(org.id, input.organization))
          .flatMap(org =>
            org.tenants
              .filter(tenant => wanted(tenant.id, input.tenant))
              .map(tenant => ({ organization: org.id, tenants: [tenant.id] })),
          );
        const [usages, mayOrder] = await Promise.all([
          tenantQuotaUsage(
            context,
            places.map(place => place.tenants[0]),
          ),
          context.access.canOnServices(
            dbaasServiceCreatePermission,
            caller.credentials,
            places,
          ),
        ]);
        return {
          output: {
            tenants: usages.map((usage, i) => ({
              tenant: usage.tenant,
              organization: places[i].organization,
              mayOrder: mayOrder[i],
              quota: usage.quota,
              usage: usage.usage,
              left: quotaLeft(usage),
            })),
          },
        };
      }),
  });
}
