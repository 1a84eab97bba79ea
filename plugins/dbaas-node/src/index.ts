/**
 * Node-only building blocks shared by the DBaaS backend and the ServiceClaim
 * operator: the supervised Kubernetes informer with the watch it is built on,
 * the client-node workarounds it needs (paged lists, abortable and keep-alive
 * requests), and the one backoff helper of the project's retry loops.
 *
 * @packageDocumentation
 */
export {
  describeError,
  isAbort,
  isConflict,
  isNotFound,
  statusCodeOf,
} from './apiErrors';
export { abortable } from './abortable';
export { backoffDelay, sleep, type BackoffOptions } from './backoff';
export {
  Informer,
  objectKey,
  type InformerEvent,
  type InformerLogFields,
  type InformerLogger,
  type InformerOptions,
  type WatchedObject,
} from './Informer';
export { makeApiClient } from './makeApiClient';
export { ObjectApi, type ListPage } from './ObjectApi';
export {
  watchEvents,
  type WatchEvent,
  type WatchEventsOptions,
} from './watchEvents';
