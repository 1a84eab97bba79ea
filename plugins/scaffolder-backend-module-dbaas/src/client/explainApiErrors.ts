import { ResponseError } from '@backstage/errors';
import { DbaasApiError } from '@internal/backstage-plugin-dbaas-common';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';

/**
 * A refusal by the DBaaS API as a `DbaasApiError`, whose message names the
 * API's code and every offending field; any other error as it is. A task log
 * shows an error's message only, and the `ResponseError` that `DbaasClient`
 * throws says no more than the status there.
 */
export function explainApiError(error: unknown): unknown {
  return ResponseError.is(error)
    ? DbaasApiError.fromResponseError(error)
    : error;
}

/** The action, throwing the DBaaS API's refusals explained. */
export function explainApiErrors<TAction extends TemplateAction<any, any, any>>(
  action: TAction,
): TAction {
  const { handler } = action;
  return {
    ...action,
    handler: async ctx => {
      try {
        await handler(ctx);
      } catch (error) {
        throw explainApiError(error);
      }
    },
  };
}
