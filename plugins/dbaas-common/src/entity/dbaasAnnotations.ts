/**
 * Annotations of a database's Resource entity and of its CDC topics' API
 * entities: written by the catalog module, read back by the portal's entity
 * pages. A topic's entity carries its database's `serviceId` and `engine` too.
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
  /** A CDC topic's entity: the Kafka topic, as cdcTopic names it. */
  cdcTopic: 'dbaas.io/cdc-topic',
  /** A CDC topic's entity: the pipeline of its database that writes it. */
  cdcPipeline: 'dbaas.io/cdc-pipeline',
  /** A CDC topic's entity: the table whose changes it carries (`public.orders`). */
  cdcTable: 'dbaas.io/cdc-table',
} as const;

/** The catalog `spec.type` of a database Resource. @public */
export const DBAAS_ENTITY_TYPE = 'database';
