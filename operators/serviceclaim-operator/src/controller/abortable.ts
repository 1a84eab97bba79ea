// Moved to dbaas-node, shared with the backend; re-exported until reconcile/
// imports it from there.
export { abortable } from '@internal/backstage-plugin-dbaas-node';
