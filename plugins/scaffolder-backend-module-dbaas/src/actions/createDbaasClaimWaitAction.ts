import { InputError, ResponseError } from '@backstage/errors';
import {
  claimPhaseOf,
  type ClaimPhase,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { explainApiError, explainApiErrors } from '../client/explainApiErrors';
import { onBehalfOf } from '../client/onBehalfOf';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { examples } from './createDbaasClaimWaitAction.examples';

const phaseOf = (details: ServiceDetails): ClaimPhase =>
  claimPhaseOf(details.status) ?? 'Pending';

// Phases a claim does not leave by itself.
const SETTLED: ClaimPhase[] = ['Active', 'Failed', 'Deleting'];

/** Why a claim failed, in the operator's words when it gave any. */
function failureReason(details: ServiceDetails): string {
  const notReady = details.conditions.find(
    c => c.status === 'False' && c.message,
  );
  const failedStep = [...details.timeline]
    .reverse()
    .find(step => step.step === 'failed' && step.detail);
  return notReady?.message ?? failedStep?.detail ?? 'no reason was reported';
}

/**
 * `dbaas:claim:wait`: waits until a database is Active or Failed, or until a
 * timeout, polling `GET /v1/services/{id}`. A timeout is not an error: a
 * database that takes longer keeps provisioning, and the task should not hang
 * on it. Outputs only the name of the Secret with the password, never its content.
 * @public
 */
export function createDbaasClaimWaitAction(
  options: DbaasActionDeps & {
    /** Time between two polls; 5 s by default. */
    pollIntervalMs?: number;
  },
) {
  const { client, auth, pollIntervalMs = 5000 } = options;
  return explainApiErrors(
    createTemplateAction({
      id: 'dbaas:claim:wait',
      description:
        'Waits until a database is Active or Failed, or a timeout passes, and outputs its phase and where its connection details are.',
      examples,
      // Nothing was ordered in a dry run, so there is nothing to wait for.
      supportsDryRun: true,
      schema: {
        input: {
          serviceId: z =>
            z.string({
              description:
                'The database: the serviceId output of dbaas:claim:publish',
            }),
          timeoutSeconds: z =>
            z
              .number({
                description:
                  'How long to wait before giving up waiting (not the database): 600 s by default',
              })
              .int()
              .min(1)
              .max(3600)
              .optional(),
          allowFailed: z =>
            z
              .boolean({
                description:
                  'Output a Failed phase instead of failing the step, for templates that report it themselves',
              })
              .optional(),
        },
        output: {
          phase: z =>
            z.string({
              description:
                'Pending, Provisioning, Active, Failed or Deleting: where the claim was when the wait ended',
            }),
          timedOut: z =>
            z.boolean({
              description: 'Whether the wait ended before the claim settled',
            }),
          connectionSecret: z =>
            z
              .string({
                description:
                  'The name of the Kubernetes Secret (in the tenant\u2019s namespace) with the password, once Active',
              })
              .optional(),
          host: z =>
            z
              .string({ description: 'The host to connect to, once Active' })
              .optional(),
          port: z =>
            z
              .number({ description: 'The port to connect to, once Active' })
              .optional(),
        },
      },
      async handler(ctx) {
        const {
          serviceId,
          timeoutSeconds = 600,
          allowFailed = false,
        } = ctx.input;
        if (ctx.isDryRun) {
          ctx.logger.info(`Dry run: would wait for ${serviceId} to settle`);
          return;
        }
        const credentials = await ctx.getInitiatorCredentials();
        const deadline = Date.now() + timeoutSeconds * 1000;
        let details: ServiceDetails | undefined;
        for (;;) {
          try {
            // A token per poll: the wait may outlast one.
            details = await client.getService(
              serviceId,
              await onBehalfOf(auth, credentials),
            );
          } catch (error) {
            // The database not being there, or not being the user's, will not
            // change by waiting; an API that is restarting will.
            if (ResponseError.is(error) && error.statusCode < 500) {
              throw error;
            }
            ctx.logger.warn(
              `Could not read ${serviceId}, retrying: ${explainApiError(
                error,
              )}`,
            );
          }
          if (details && SETTLED.includes(phaseOf(details))) break;
          if (Date.now() + pollIntervalMs > deadline) break;
          await sleep(pollIntervalMs, undefined, { signal: ctx.signal });
        }
        if (!details) {
          throw new Error(
            `Could not read database ${serviceId} within ${timeoutSeconds} s`,
          );
        }

        const phase = phaseOf(details);
        const timedOut = !SETTLED.includes(phase);
        if (phase === 'Failed') {
          const reason = failureReason(details);
          if (!allowFailed) {
            throw new InputError(`Database ${details.name} failed: ${reason}`);
          }
          ctx.logger.warn(`Database ${details.name} failed: ${reason}`);
        } else if (timedOut) {
          ctx.logger.info(
            `${details.name} is still ${phase} after ${timeoutSeconds} s; it keeps provisioning, follow it on its catalog page`,
          );
        } else {
          ctx.logger.info(`${details.name} is ${phase}`);
        }

        ctx.output('phase', phase);
        ctx.output('timedOut', timedOut);
        const connection = details.connection;
        if (phase === 'Active' && connection) {
          if (connection.passwordSecretRef) {
            ctx.output('connectionSecret', connection.passwordSecretRef.name);
          }
          ctx.output('host', connection.host);
          ctx.output('port', connection.port);
        }
      },
    }),
  );
}
