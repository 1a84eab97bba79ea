import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  type Entity,
} from '@backstage/catalog-model';
import {
  DBAAS_ANNOTATIONS,
  DBAAS_ENTITY_TYPE,
  DBAAS_LABELS,
  claimFilePath,
  claimPhaseOf,
  engineRunbook,
  offerings,
  tenantNamespace,
  type ServiceSummary,
  serviceEntityName,
} from '@internal/backstage-plugin-dbaas-common';
import { cdcTopicEntityRef, cdcTopicsOf } from './cdcTopicEntity';
import { tenantSystem } from './tenantSystem';

// Read by the Kubernetes plugin (plugins/kubernetes-backend, KubernetesFanOutHandler)
// to find an entity's objects in each cluster.
const KUBERNETES_LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';
const KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';
// Read by the TechDocs plugin: the entity whose docs the TechDocs tab shows
// (plugins/techdocs, EntityPageDocs).
const TECHDOCS_ENTITY = 'backstage.io/techdocs-entity';

function describe(service: ServiceSummary): string {
  const engine = offerings.engines.find(e => e.id === service.engine);
  const plan = offerings.plans.find(p => p.id === service.plan);
  const sla = plan ? ` (${plan.slaPercent}% SLA)` : '';
  return `${engine?.displayName ?? service.engine} database on the ${
    plan?.displayName ?? service.plan
  } plan${sla} in PoP ${service.region}`;
}

// The API speaks of statuses in lower case; the claim and the operator use the
// phase's own spelling, which is what people see next to the cluster's objects.
function phaseOf(service: ServiceSummary): string {
  return claimPhaseOf(service.status) ?? service.status;
}

/**
 * A database as a catalog Resource of type `database`, owned by its tenant's
 * group and part of the tenant's System. Carries no secret; the portal's
 * permission policy shows it only to those who may read its tenant's
 * databases (catalogEntityReadDecision in dbaas-backend, on `spec.owner`).
 *
 * It `dependsOn` the API entities of its CDC pipelines' topics
 * (cdcTopicEntity), so that the catalog relates each topic to its database.
 * Its TechDocs tab shows its engine's runbook (engineRunbook).
 *
 * @param location - where the database is read from (its `GET /services/{id}`
 * URL), for the entity's managed-by annotations.
 * @public
 */
export function serviceEntity(
  service: ServiceSummary,
  location: string,
): Entity {
  const { namespace, name } = serviceEntityName(service.tenant, service.name);
  const topics = cdcTopicsOf(service).map(topic =>
    cdcTopicEntityRef(service, topic),
  );
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace,
      title: service.name,
      description: describe(service),
      annotations: {
        [ANNOTATION_LOCATION]: `dbaas:${location}`,
        [ANNOTATION_ORIGIN_LOCATION]: `dbaas:${location}`,
        // The operator puts this label on every object it makes for the claim.
        [KUBERNETES_LABEL_SELECTOR]: `${DBAAS_LABELS.serviceId}=${service.id}`,
        [KUBERNETES_NAMESPACE]: tenantNamespace(service.tenant),
        [TECHDOCS_ENTITY]: engineRunbook.entityRef(service.engine),
        [DBAAS_ANNOTATIONS.serviceId]: service.id,
        [DBAAS_ANNOTATIONS.engine]: service.engine,
        [DBAAS_ANNOTATIONS.plan]: service.plan,
        [DBAAS_ANNOTATIONS.region]: service.region,
        [DBAAS_ANNOTATIONS.phase]: phaseOf(service),
        [DBAAS_ANNOTATIONS.gitopsFile]: claimFilePath(
          service.tenant,
          service.name,
        ),
      },
      labels: {
        [DBAAS_ANNOTATIONS.engine]: service.engine,
        [DBAAS_ANNOTATIONS.plan]: service.plan,
      },
    },
    spec: {
      type: DBAAS_ENTITY_TYPE,
      owner: service.tenant,
      system: tenantSystem(service),
      // Its primary PoP's cluster entity (catalog/pops.yaml), then its topics.
      dependsOn: [`resource:default/${service.region}`, ...topics],
    },
  };
}
