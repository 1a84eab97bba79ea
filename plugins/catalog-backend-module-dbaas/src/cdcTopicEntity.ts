import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  DBAAS_ANNOTATIONS,
  cdcTopicEntityName,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import {
  cdcTopicDefinition,
  hasCdcTopicDefinition,
  type CdcTopicSource,
} from './cdcTopicDefinition';
import { tenantSystem } from './tenantSystem';

/** The topics of a database's CDC pipelines, one per captured table. */
export function cdcTopicsOf(service: ServiceSummary): CdcTopicSource[] {
  if (!hasCdcTopicDefinition(service.engine)) {
    // The API takes no pipeline for such an engine (engineCdc).
    return [];
  }
  return (service.cdcPipelines ?? []).flatMap(pipeline =>
    pipeline.tables.map((table, i) => ({
      database: service.name,
      pipeline: pipeline.name,
      table,
      topic: pipeline.topics[i],
    })),
  );
}

/** The reference of a topic's API entity, as a database's `dependsOn` lists it. */
export function cdcTopicEntityRef(
  service: ServiceSummary,
  topic: CdcTopicSource,
): string {
  return stringifyEntityRef({
    kind: 'API',
    ...cdcTopicEntityName(service.tenant, topic.topic),
  });
}

/**
 * A topic of a database's CDC pipeline as a catalog API entity of type
 * `asyncapi`, so that an app can declare `consumesApis` on it and the topic's
 * page shows its consumers and the change events it carries. Owned by the
 * database's tenant and part of its System, as the database is; named after
 * the topic (cdcTopicEntityName).
 *
 * @param location - where the database is read from (its `GET /services/{id}`
 * URL); the topic's pipeline is under it.
 */
export function cdcTopicEntity(
  service: ServiceSummary,
  topic: CdcTopicSource,
  location: string,
): Entity {
  const { namespace, name } = cdcTopicEntityName(service.tenant, topic.topic);
  const pipelineLocation = `dbaas:${location}/cdc-pipelines/${encodeURIComponent(
    topic.pipeline,
  )}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'API',
    metadata: {
      name,
      namespace,
      title: topic.topic,
      description: `Changes of table ${topic.table} of database ${service.name}, written by its CDC pipeline ${topic.pipeline} as Debezium change events`,
      annotations: {
        [ANNOTATION_LOCATION]: pipelineLocation,
        [ANNOTATION_ORIGIN_LOCATION]: pipelineLocation,
        // The provider finds a database's entities by it when it is gone.
        [DBAAS_ANNOTATIONS.serviceId]: service.id,
        [DBAAS_ANNOTATIONS.engine]: service.engine,
        [DBAAS_ANNOTATIONS.cdcTopic]: topic.topic,
        [DBAAS_ANNOTATIONS.cdcPipeline]: topic.pipeline,
        [DBAAS_ANNOTATIONS.cdcTable]: topic.table,
      },
      tags: ['cdc', 'kafka', service.engine],
    },
    spec: {
      type: 'asyncapi',
      // Consumers read it while the database lives; a database being
      // deleted takes its pipelines with it.
      lifecycle: service.status === 'deleting' ? 'deprecated' : 'production',
      owner: service.tenant,
      system: tenantSystem(service),
      definition: cdcTopicDefinition(service.engine, topic),
    },
  };
}
