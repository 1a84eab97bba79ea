import { ResponseError } from '@backstage/errors';
import {
  claimFilePath,
  type CreateServiceRequest,
  type DbaasApi,
  type DbaasRequestOptions,
  type SkuCatalog,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { explainApiErrors } from '../client/explainApiErrors';
import { onBehalfOf } from '../client/onBehalfOf';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { liveSkuCatalog } from '../claim/liveSkuCatalog';
import { parseClaimRequest } from '../claim/parseClaimRequest';
import { databaseEntityRef } from '../claim/databaseEntityRef';
import { examples } from './createDbaasClaimPublishAction.examples';

/** The serviceId a dry run outputs: no database was ordered. */
const DRY_RUN_SERVICE_ID = 'dry-run';

type Published = {
  id: string;
  status: string;
  gitopsPath?: string;
  commitUrl?: string;
  pullRequestUrl?: string;
};

const published = (details: ServiceDetails): Published => ({
  id: details.id,
  status: details.status,
  ...(details.gitops?.path ? { gitopsPath: details.gitops.path } : {}),
  ...(details.gitops?.commitUrl ? { commitUrl: details.gitops.commitUrl } : {}),
  ...(details.gitops?.pullRequestUrl
    ? { pullRequestUrl: details.gitops.pullRequestUrl }
    : {}),
});

/**
 * The database an earlier attempt of this task already ordered, when the API
 * answers 409 for its name: the task died after the API recorded the database
 * but before the checkpoint did. It is only taken as ours when the same user
 * ordered the same engine, plan and region; anything else is a real conflict.
 */
async function orderedEarlier(
  client: DbaasApi,
  request: CreateServiceRequest,
  userRef: string | undefined,
  options: DbaasRequestOptions,
): Promise<ServiceDetails | undefined> {
  const user = userRef?.toLowerCase();
  const found = await client.findService(request.tenant, request.name, options);
  if (!found || !user) return undefined;
  const details = await client.getService(found.id, options);
  const same =
    details.createdBy.toLowerCase() === user &&
    details.engine === request.engine &&
    details.plan === request.plan &&
    details.region === request.region;
  return same ? details : undefined;
}

/**
 * `dbaas:claim:publish`: orders the database a `dbaas:claim:validate` step
 * checked, through `POST /v1/services` on behalf of the user who runs the
 * template. The API records it and commits its ServiceClaim to the GitOps
 * repository (directly or as a pull request, as the portal is configured).
 * @public
 */
export function createDbaasClaimPublishAction(
  options: DbaasActionDeps & { catalog?: SkuCatalog },
) {
  const { client, auth } = options;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:claim:publish',
      description:
        'Orders a database through the DBaaS API, which commits its ServiceClaim to the GitOps repository.',
      examples,
      // A dry run must not order a database: it reports where it would go.
      supportsDryRun: true,
      schema: {
        input: {
          request: z =>
            z.record(z.any(), {
              description:
                'The request body of POST /v1/services: the request output of dbaas:claim:validate',
            }),
        },
        output: {
          serviceId: z =>
            z.string({
              description:
                'The id the API gave the database; dry-run in a dry run',
            }),
          status: z =>
            z.string({
              description: 'Its status right after ordering: pending',
            }),
          gitopsPath: z =>
            z
              .string({
                description:
                  'Where its ServiceClaim lives in the GitOps repository',
              })
              .optional(),
          commitUrl: z =>
            z
              .string({
                description:
                  'Link to the commit that added the claim, when the repository has a web view; in pull request mode it is on the request\u2019s branch',
              })
              .optional(),
          pullRequestUrl: z =>
            z
              .string({
                description:
                  'Link to the pull (or merge) request proposing the claim, when the portal proposes changes instead of committing them; the database is built once it is merged',
              })
              .optional(),
          entityRef: z =>
            z.string({
              description:
                'The database\u2019s catalog entity, resource:default/{tenant}.{name}',
            }),
        },
      },
      async handler(ctx) {
        const asUser = await onBehalfOf(
          auth,
          await ctx.getInitiatorCredentials(),
        );
        // Checked again: the request may have been edited between the steps.
        const catalog =
          options.catalog ?? (await liveSkuCatalog(client, asUser));
        const { request } = parseClaimRequest(catalog, ctx.input.request);
        const entityRef = databaseEntityRef(request.tenant, request.name);
        if (ctx.isDryRun) {
          ctx.logger.info(
            `Dry run: would order ${request.name} for ${request.tenant} with POST /v1/services`,
          );
          // Later steps (dbaas:claim:wait) need an id to be called with at all.
          ctx.output('serviceId', DRY_RUN_SERVICE_ID);
          ctx.output('gitopsPath', claimFilePath(request.tenant, request.name));
          ctx.output('entityRef', entityRef);
          return;
        }

        const result = await ctx.checkpoint<Published>({
          key: `dbaas.claim.publish.${request.tenant}.${request.name}`,
          fn: async () => {
            try {
              return published(await client.createService(request, asUser));
            } catch (error) {
              if (ResponseError.is(error) && error.statusCode === 409) {
                const earlier = await orderedEarlier(
                  client,
                  request,
                  ctx.user?.ref,
                  asUser,
                );
                if (earlier) {
                  ctx.logger.info(
                    `${request.name} was already ordered by an earlier attempt of this task`,
                  );
                  return published(earlier);
                }
              }
              throw error;
            }
          },
        });

        ctx.logger.info(
          `Ordered ${request.name} for ${request.tenant}: database ${
            result.id
          } is ${result.status}${
            result.gitopsPath ? `; its claim is at ${result.gitopsPath}` : ''
          }${
            result.pullRequestUrl
              ? `, proposed in ${result.pullRequestUrl}: it is built once that is merged`
              : ''
          }`,
        );
        ctx.output('serviceId', result.id);
        ctx.output('status', result.status);
        if (result.gitopsPath) ctx.output('gitopsPath', result.gitopsPath);
        if (result.commitUrl) ctx.output('commitUrl', result.commitUrl);
        if (result.pullRequestUrl) {
          ctx.output('pullRequestUrl', result.pullRequestUrl);
        }
        ctx.output('entityRef', entityRef);
      },
    }),
  );
}
