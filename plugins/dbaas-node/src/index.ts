/**
 * Node-only building blocks shared by the DBaaS backend and the
 * ServiceClaim operator.
 *
 * @packageDocumentation
 */
export {};
