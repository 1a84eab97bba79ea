import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  claimFootprint,
  DBAAS_ROLES_BY_PERMISSION,
  dbaasServiceCreatePermission,
  quotaLeft,
  quotaShortfalls,
  type SkuCatalog,
} from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { explainApiErrors } from '../client/explainApiErrors';
import { fetchTenantQuotaUsage } from '../client/fetchTenantQuotaUsage';
import { onBehalfOf } from '../client/onBehalfOf';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { liveSkuCatalog } from '../claim/liveSkuCatalog';
import { parseClaimRequest } from '../claim/parseClaimRequest';
import { compactInput } from '../claim/compactInput';
import { renderClaimManifest } from '../claim/renderClaimManifest';
import { writeManifestToWorkspace } from '../claim/writeManifestToWorkspace';
import { examples } from './createDbaasClaimValidateAction.examples';

/**
 * `dbaas:claim:validate`: checks a database request before anything is ordered.
 * Validates it with the rules the DBaaS API applies, asks the permission
 * framework whether the user may create databases in the tenant (as the API
 * will), renders the ServiceClaim it becomes and checks it fits the tenant's
 * remaining quota. Writes nothing outside the workspace: `dbaas:claim:publish`
 * orders the database.
 * @public
 */
export function createDbaasClaimValidateAction(
  options: DbaasActionDeps & {
    /** Answers whether the user may create databases in the tenant. */
    permissions: PermissionsService;
    /** The service catalog to validate against; the one the API serves now by default. */
    catalog?: SkuCatalog;
  },
) {
  const { client, auth, permissions } = options;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:claim:validate',
      description:
        'Validates a database request, checks the user may create databases in the tenant, renders its ServiceClaim and checks it against the tenant\u2019s quota, without ordering anything.',
      examples,
      // Reads only: a dry run does what a real run does.
      supportsDryRun: true,
      schema: {
        input: {
          name: z =>
            z.string({
              description:
                'The database name: lower-case letters, digits and dashes, starting with a letter, at most 40 characters',
            }),
          tenant: z =>
            z.string({
              description:
                'The tenant that owns the database: a catalog Group reference such as group:default/payments',
            }),
          engine: z =>
            z.string({
              description: 'The engine, e.g. yugabyte, postgresql, scylla',
            }),
          plan: z =>
            z.string({
              description: 'The plan: shared, dedicated, clustered or global',
            }),
          region: z =>
            z.string({ description: 'The primary region, e.g. lagos' }),
          sku: z =>
            z
              .string({
                description:
                  'The SKU to start from; by default the first SKU of the engine and plan stocked in the region',
              })
              .optional(),
          config: z =>
            z
              .record(z.any(), {
                description:
                  'What should differ from the SKU\u2019s defaults, as in POST /v1/services (storageSize, backup, ...). Fields left empty are ignored.',
              })
              .optional(),
          dryRun: z =>
            z
              .boolean({
                description:
                  'Only preview: a missing permission or a quota that is too small is reported in the log instead of failing the step',
              })
              .optional(),
          targetPath: z =>
            z
              .string({
                description:
                  'Also write the manifest into the workspace, under this folder, at the GitOps repository\u2019s path (tenants/{tenant}/{name}.yaml)',
              })
              .optional(),
        },
        output: {
          request: z =>
            z.object(
              {
                name: z.string(),
                tenant: z.string(),
                engine: z.string(),
                plan: z.string(),
                region: z.string(),
                sku: z.string().optional(),
                config: z.record(z.any()).optional(),
              },
              {
                description:
                  'The validated request body, for the request input of dbaas:claim:publish',
              },
            ),
          manifest: z =>
            z.string({
              description: 'The ServiceClaim the request becomes (YAML)',
            }),
          claimPath: z =>
            z.string({
              description:
                'Where the claim goes in the GitOps repository, e.g. tenants/payments/orders.yaml',
            }),
          quotaLeft: z =>
            z.object(
              {
                instances: z.number(),
                storageGi: z.number(),
                cpu: z.number(),
                memoryGi: z.number(),
                backups: z.number(),
              },
              {
                description:
                  'What the tenant may still use before this database',
              },
            ),
          footprint: z =>
            z.object(
              {
                instances: z.number(),
                storageGi: z.number(),
                cpu: z.number(),
                memoryGi: z.number(),
              },
              { description: 'What this database takes out of the quota' },
            ),
        },
      },
      async handler(ctx) {
        const { name, tenant, engine, plan, region, sku, dryRun, targetPath } =
          ctx.input;
        const config = compactInput(ctx.input.config);
        const credentials = await ctx.getInitiatorCredentials();
        const asUser = await onBehalfOf(auth, credentials);
        const catalog =
          options.catalog ?? (await liveSkuCatalog(client, asUser));
        const { request, spec } = parseClaimRequest(catalog, {
          name,
          tenant,
          engine,
          plan,
          region,
          ...(sku ? { sku } : {}),
          ...(config ? { config } : {}),
        });
        const { manifest, path } = renderClaimManifest({
          tenant: request.tenant,
          name: request.name,
          spec,
        });

        const preview = dryRun || ctx.isDryRun;
        // The question POST /v1/services asks, asked now: a user who may not
        // order here learns it in this step, not after the form at publish.
        const [decision] = await permissions.authorize(
          [
            {
              permission: dbaasServiceCreatePermission,
              resourceRef: request.tenant,
            },
          ],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          const roles =
            DBAAS_ROLES_BY_PERMISSION[dbaasServiceCreatePermission.name].join(
              ', ',
            );
          const message = `${
            ctx.user?.ref ?? 'You'
          } may not create databases in ${
            request.tenant
          }: that takes membership of its team or one of the roles ${roles} there (${
            dbaasServiceCreatePermission.name
          })`;
          if (!preview) {
            throw new NotAllowedError(message);
          }
          ctx.logger.warn(message);
        }

        const usage = await fetchTenantQuotaUsage(
          client,
          request.tenant,
          asUser,
        );
        const left = quotaLeft(usage);
        const footprint = claimFootprint(spec);
        const shortfalls = quotaShortfalls(left, footprint);
        if (shortfalls.length > 0) {
          const message = `${request.tenant} has too little quota left for ${
            request.name
          }: ${shortfalls.join(', ')}`;
          if (!preview) {
            throw new InputError(message);
          }
          ctx.logger.warn(message);
        } else {
          ctx.logger.info(
            `${request.name} fits ${request.tenant}\u2019s quota: it takes ${footprint.storageGi} Gi storage, ${footprint.cpu} CPU, ${footprint.memoryGi} Gi memory`,
          );
        }

        if (targetPath !== undefined) {
          const file = await writeManifestToWorkspace({
            workspacePath: ctx.workspacePath,
            targetPath,
            claimPath: path,
            manifest,
          });
          ctx.logger.info(`Wrote the ServiceClaim to ${file}`);
        }
        if (preview) {
          ctx.logger.info(`ServiceClaim for ${path}:\n${manifest}`);
        }
        ctx.output('request', request);
        ctx.output('manifest', manifest);
        ctx.output('claimPath', path);
        ctx.output('quotaLeft', left);
        ctx.output('footprint', footprint);
      },
    }),
  );
}
