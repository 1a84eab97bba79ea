/**
 * Annotations of a database's Resource entity: written by the catalog module,
 * read back by the portal's entity pages.
 * @public
 */
export const DBAAS_ANNOTATIONS = {
  serviceId: 'dbaas.io/service-id',
  engine: 'dbaas.io/engine',
  plan: 'dbaas.io/plan',
  region: 'dbaas.io/region',
  /** The claim's `status.phase`, as the operator writes it (`Active`). */
  phase: 'dbaas.io/phase',
  /** The claim's path in the GitOps repository. */
  gitopsFile: 'dbaas.io/gitops-file',
} as const;

/** The catalog `spec.type` of a database Resource. @public */
export const DBAAS_ENTITY_TYPE = 'database';
