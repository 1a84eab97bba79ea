import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  cdcTableFormIssue,
  createCdcPipelineRequestSchema,
  databaseEntityPath,
  type CdcPipelineView,
  type CreateCdcPipelineRequest,
} from '@internal/backstage-plugin-dbaas-common';
import { compactInput } from '../claim/compactInput';
import { databaseEntityRef } from '../claim/databaseEntityRef';
import { explainApiErrors } from '../client/explainApiErrors';
import { onBehalfOf } from '../client/onBehalfOf';
import { resolveService } from '../client/resolveService';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasCdcCreateAction.examples';
import { parsed, serviceChangeOutput } from './serviceChange';

/**
 * Whether an existing pipeline is the one asked for: the same tables, in any
 * order, and the same snapshot (a step that asked for the existing rows must
 * not pass with a pipeline that skipped them).
 */
function isSamePipeline(
  existing: CdcPipelineView,
  request: CreateCdcPipelineRequest,
): boolean {
  const sorted = (tables: string[]) => [...tables].sort().join('\n');
  return (
    sorted(existing.tables) === sorted(request.tables) &&
    existing.snapshot === (request.snapshot ?? 'initial')
  );
}

const described = (pipeline: { tables: string[]; snapshot?: string }) =>
  `${pipeline.tables.join(', ')} (snapshot ${pipeline.snapshot ?? 'initial'})`;

/**
 * `dbaas:cdc:create`: a CDC pipeline that streams some of a database's tables'
 * changes to Kafka, one topic per table, through the DBaaS API
 * (`POST /v1/services/{id}/cdc-pipelines`), on behalf of the user who runs
 * the template. The database is picked by its catalog entity. A pipeline of
 * the same name, tables and snapshot that already exists is taken as the
 * step's own, so that a retried task makes it once.
 * @public
 */
export function createDbaasCdcCreateAction(deps: DbaasActionDeps) {
  const { client } = deps;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:cdc:create',
      description:
        'Streams the changes of some of a database\u2019s tables to Kafka, one topic per table, through a CDC pipeline of the DBaaS API.',
      examples,
      // A dry run finds the database and its pipelines, checks the request
      // and asks the API for its dry run (the claim's diff); it creates
      // nothing.
      supportsDryRun: true,
      schema: {
        input: {
          database: z =>
            z.string({
              description:
                'The database\u2019s catalog entity, such as resource:default/payments.orders (an EntityPicker of Resources of type database gives it)',
            }),
          name: z =>
            z.string({
              description:
                'The pipeline\u2019s name, unique among the database\u2019s pipelines: a lowercase DNS label of at most 40 characters',
            }),
          tables: z =>
            z.array(z.string(), {
              description:
                'The tables to capture, as the engine names them (PostgreSQL: schema.table, such as public.orders); each gets a topic of its own',
            }),
          snapshot: z =>
            z
              .enum(['initial', 'never'], {
                description:
                  'initial (the default): the tables\u2019 existing rows first, then their changes; never: only changes from when the pipeline starts',
              })
              .optional(),
        },
        output: {
          serviceId: serviceChangeOutput.serviceId,
          entityRef: serviceChangeOutput.entityRef,
          claimDiff: serviceChangeOutput.claimDiff,
          cdcTabUrl: z =>
            z.string({
              description:
                'The database\u2019s CDC tab in the portal, to link to: /catalog/{namespace}/resource/{name}/cdc',
            }),
          pipeline: z => z.string({ description: 'The pipeline\u2019s name' }),
          state: z =>
            z
              .string({
                description:
                  'How it runs: pending until the database\u2019s PoP runs it, then running, paused or failed',
              })
              .optional(),
          topics: z =>
            z
              .array(z.string(), {
                description:
                  'The Kafka topics of its tables\u2019 changes, one per table, in the order of tables',
              })
              .optional(),
          deadLetterTopic: z =>
            z
              .string({
                description: 'The Kafka topic reserved for its dead letters',
              })
              .optional(),
        },
      },
      handler: async ctx => {
        const options = await onBehalfOf(
          deps.auth,
          await ctx.getInitiatorCredentials(),
        );
        const service = await resolveService(
          client,
          { entityRef: ctx.input.database },
          options,
        );
        ctx.output('serviceId', service.id);
        ctx.output(
          'entityRef',
          databaseEntityRef(service.tenant, service.name),
        );
        ctx.output(
          'cdcTabUrl',
          databaseEntityPath(service.tenant, service.name, 'cdc'),
        );
        const request = parsed(
          createCdcPipelineRequestSchema,
          compactInput({
            name: ctx.input.name,
            tables: ctx.input.tables,
            snapshot: ctx.input.snapshot,
          }),
          'CDC pipeline',
        );
        ctx.output('pipeline', request.name);

        // What the engine offers and how it names tables are the API's own
        // answer; checked here too, so that a dry run says what a run would.
        const { capability, tableForm, data } = await client.listCdcPipelines(
          service.id,
          options,
        );
        if (!capability.available) {
          throw new ConflictError(
            `Database ${service.name} cannot stream its changes: ${capability.reason}`,
          );
        }
        const formIssues = request.tables.flatMap((table, i) => {
          const issue = cdcTableFormIssue(table, tableForm);
          return issue ? [`tables.${i}: ${issue}`] : [];
        });
        if (formIssues.length > 0) {
          throw new InputError(
            `Invalid CDC pipeline: ${formIssues.join('; ')}`,
          );
        }
        const existing = data.find(p => p.name === request.name);
        if (existing && !isSamePipeline(existing, request)) {
          throw new ConflictError(
            `Database ${service.name} already has a CDC pipeline ${
              request.name
            }, of ${described(existing)}, not of ${described(
              request,
            )}: give this one another name, or delete that one on the database\u2019s CDC tab first`,
          );
        }

        if (ctx.isDryRun) {
          if (existing) {
            ctx.logger.info(
              `Dry run: ${service.name} already has CDC pipeline ${request.name} of these tables`,
            );
            return;
          }
          // The API's dry run: the pipeline checked as it would be added,
          // and the database's claim before and after; nothing added.
          const { message, claim } = await client.previewCreateCdcPipeline(
            service.id,
            request,
            options,
          );
          ctx.logger.info(
            `Dry run: ${service.name}: ${message}; its claim ${claim.path} would change:\n${claim.diff}`,
          );
          ctx.output('claimDiff', claim.diff);
          return;
        }
        let pipeline: CdcPipelineView;
        if (existing) {
          // An earlier attempt of this task made it (or someone made the same
          // pipeline): what the step asked for is there.
          ctx.logger.info(
            `${service.name} already has CDC pipeline ${request.name} of these tables; taking it as this step\u2019s`,
          );
          pipeline = existing;
        } else {
          pipeline = await ctx.checkpoint<CdcPipelineView>({
            key: `dbaas.cdc.create.${service.id}.${request.name}.${
              ctx.step?.id ?? ''
            }`,
            fn: () => client.createCdcPipeline(service.id, request, options),
          });
          ctx.logger.info(
            `CDC pipeline ${request.name} of ${
              service.name
            } requested: ${pipeline.topics.join(', ')}`,
          );
        }
        ctx.output('state', pipeline.state);
        ctx.output('topics', pipeline.topics);
        ctx.output('deadLetterTopic', pipeline.deadLetterTopic);
      },
    }),
  );
}
