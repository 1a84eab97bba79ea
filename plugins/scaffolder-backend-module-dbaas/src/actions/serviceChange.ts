import { InputError } from '@backstage/errors';
import {
  formatZodError,
  type DbaasRequestOptions,
  type ServiceChangePreview,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import type {
  ActionContext,
  TemplateActionOptions,
} from '@backstage/plugin-scaffolder-node';
import { databaseEntityRef } from '../claim/databaseEntityRef';
import { onBehalfOf } from '../client/onBehalfOf';
import { resolveService } from '../client/resolveService';
import type { DbaasActionDeps } from './DbaasActionDeps';

// The day-2 actions (dbaas:service:configure, :scale, :upgrade, :restore and
// :decommission) share how they find the database, check the change before
// sending it, honour a dry run and a checkpoint, and what they output.

/** The zod the scaffolder passes an action's schema callbacks. */
type Zod = Parameters<
  NonNullable<NonNullable<TemplateActionOptions['schema']>['input']>[string]
>[0];

/**
 * The inputs that name the database: its catalog entity (as the templates'
 * entity picker gives it), its id, or its tenant and name.
 */
export const serviceTargetInput = {
  database: (z: Zod) =>
    z
      .string({
        description:
          'The database\u2019s catalog entity, such as resource:default/payments.orders (an entity picker of Resources of type database gives it); or give serviceId, or tenant and name',
      })
      .optional(),
  serviceId: (z: Zod) =>
    z
      .string({ description: 'The database id; or give tenant and name' })
      .optional(),
  tenant: (z: Zod) =>
    z
      .string({
        description:
          'The tenant of the database, e.g. group:default/payments (with name)',
      })
      .optional(),
  name: (z: Zod) =>
    z.string({ description: 'The database name (with tenant)' }).optional(),
};

/** The outputs of every change. */
export const serviceChangeOutput = {
  serviceId: (z: Zod) => z.string({ description: 'The database id' }),
  entityRef: (z: Zod) =>
    z.string({ description: 'The database\u2019s catalog entity' }),
  status: (z: Zod) =>
    z
      .string({ description: 'The database status after the request' })
      .optional(),
  message: (z: Zod) =>
    z
      .string({
        description:
          'What the API says was requested, e.g. storage 500Gi \u2192 1Ti',
      })
      .optional(),
  generation: (z: Zod) =>
    z
      .number({ description: 'The spec generation after the change' })
      .optional(),
  claimDiff: (z: Zod) =>
    z
      .string({
        description:
          'A dry run only: the diff of the database\u2019s claim file the change would commit',
      })
      .optional(),
};

/** What a change answered, as the step outputs it. */
export type ChangeResult = {
  status?: string;
  message?: string;
  generation?: number;
  restoreId?: string;
  backupId?: string;
  /** The new database a restore makes. */
  targetServiceId?: string;
  targetName?: string;
};

type ServiceTarget = {
  database?: string;
  serviceId?: string;
  tenant?: string;
  name?: string;
};

/**
 * How to make a checked change: `send` makes it; `preview`, where the API
 * has a dry run of it, answers the claim before and after, changing nothing.
 */
export type PreparedChange = {
  send: () => Promise<ChangeResult>;
  preview?: () => Promise<ServiceChangePreview>;
};

/** The result without absent fields: a checkpoint stores it as JSON. */
const defined = (result: ChangeResult): ChangeResult =>
  Object.fromEntries(
    Object.entries(result).filter(([, value]) => value !== undefined),
  );

/** Parses with a common schema; a refused field fails the step with its name. */
export function parsed<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: Parameters<typeof formatZodError>[0] };
  },
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(`Invalid ${what}: ${formatZodError(result.error)}`);
  }
  return result.data;
}

/**
 * Runs a change of a database on behalf of the user who runs the template.
 * The database is found among those the API shows the user (resolveService),
 * never taken from the catalog's word: a catalog entity naming another
 * tenant's database finds nothing, and the API authorises every call by the
 * database's own tenant. `prepare` checks the change with the API's own
 * schema and returns how to send it, so that a dry run reports the same
 * refusals a real run would; a dry run asks the API for its dry run of the
 * change (the claim before and after, nothing written) and logs and outputs
 * the claim's diff; a retried task sends it once (the checkpoint).
 */
export async function changeService<TInput extends ServiceTarget>(
  // Any outputs: each action declares serviceChangeOutput, restore more.
  ctx: ActionContext<TInput, any>,
  deps: DbaasActionDeps,
  operation: 'config' | 'scale' | 'upgrade' | 'restore' | 'decommission',
  prepare: (target: {
    service: ServiceDetails;
    options: DbaasRequestOptions;
  }) => Promise<PreparedChange>,
): Promise<void> {
  const options = await onBehalfOf(
    deps.auth,
    await ctx.getInitiatorCredentials(),
  );
  const service = await resolveService(
    deps.client,
    { ...ctx.input, entityRef: ctx.input.database },
    options,
  );
  const id = service.id;
  ctx.output('serviceId', id);
  ctx.output('entityRef', databaseEntityRef(service.tenant, service.name));
  const { send, preview } = await prepare({ service, options });

  if (ctx.isDryRun) {
    if (!preview) {
      ctx.logger.info(
        `Dry run: would ${operation} ${service.name} of ${service.tenant}`,
      );
      return;
    }
    const { message, claim } = await preview();
    ctx.logger.info(
      `Dry run: ${service.name} of ${service.tenant}: ${message}${
        claim.diff
          ? `; its claim ${claim.path} would change:\n${claim.diff}`
          : ''
      }`,
    );
    ctx.output('message', message);
    ctx.output('claimDiff', claim.diff);
    return;
  }
  const result = await ctx.checkpoint<ChangeResult>({
    key: `dbaas.service.${operation}.${id}.${ctx.step?.id ?? ''}`,
    fn: async () => {
      const {
        status,
        message,
        generation,
        restoreId,
        backupId,
        targetServiceId,
        targetName,
      } = await send();
      return defined({
        status,
        message,
        generation,
        restoreId,
        backupId,
        targetServiceId,
        targetName,
      });
    },
  });
  ctx.logger.info(
    `${service.name} of ${service.tenant}: ${result.message ?? operation}`,
  );
  if (result.status) ctx.output('status', result.status);
  if (result.message) ctx.output('message', result.message);
  if (result.generation !== undefined) {
    ctx.output('generation', result.generation);
  }
  if (result.restoreId) ctx.output('restoreId', result.restoreId);
  if (result.backupId) ctx.output('backupId', result.backupId);
  if (result.targetServiceId) {
    ctx.output('targetServiceId', result.targetServiceId);
  }
  if (result.targetName) {
    ctx.output('targetName', result.targetName);
    ctx.output(
      'targetEntityRef',
      databaseEntityRef(service.tenant, result.targetName),
    );
  }
}
