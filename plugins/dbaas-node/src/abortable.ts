import {
  Observable,
  type ConfigurationOptions,
  type ObservableMiddleware,
} from '@kubernetes/client-node';

/**
 * Per-request options that let `signal` cancel a client-node request.
 * client-node 1.x takes no signal argument; a middleware sets it on the request
 * context, and its observable stub wants an `Observable`, not an rxjs one.
 */
export function abortable(signal?: AbortSignal): ConfigurationOptions {
  if (!signal) return {};
  const setSignal: ObservableMiddleware = {
    pre: context => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: context => new Observable(Promise.resolve(context)),
  };
  return { middleware: [setSignal], middlewareMergeStrategy: 'append' };
}
