// Moved to dbaas-node, shared with the backend; re-exported until reconcile/
// imports it from there.
export {
  describeError,
  isAbort,
  isConflict,
  isNotFound,
  statusCodeOf,
} from '@internal/backstage-plugin-dbaas-node';
