import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
} from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject, OwnerReference, RenderedResource } from './types';

/** The `app.kubernetes.io/managed-by` value of everything the operator renders. */
export const MANAGED_BY = 'serviceclaim-operator';

/**
 * Annotation on an engine resource listing what the claim asked for that the
 * engine's resource cannot express here, so `kubectl describe` tells the truth.
 */
export const NOTES_ANNOTATION = 'dbaas.io/render-notes';

/** Annotation describing what this PoP's share of a multi-region claim is. */
export const TOPOLOGY_ANNOTATION = 'dbaas.io/topology';

/**
 * The tenant's name as clusters know it: the claim's label, else its namespace
 * without the `tenant-` prefix (claims applied by hand may lack the label).
 */
export function tenantOf(claim: ClaimObject): string {
  return (
    claim.metadata.labels?.[DBAAS_LABELS.tenant] ??
    claim.metadata.namespace.replace(/^tenant-/, '')
  );
}

/**
 * The labels engine pods and volumes carry: the metrics queries join on
 * `dbaas.io/service-id`, the portal's Kubernetes tab selects on it.
 */
export function podLabels(claim: ClaimObject): Record<string, string> {
  const serviceId = claim.metadata.labels?.[DBAAS_LABELS.serviceId];
  return {
    ...(serviceId ? { [DBAAS_LABELS.serviceId]: serviceId } : {}),
    [DBAAS_LABELS.serviceName]: claim.metadata.name,
    [DBAAS_LABELS.tenant]: tenantOf(claim),
    [DBAAS_LABELS.engine]: claim.spec.engine,
  };
}

/** Labels of a rendered resource: the pod labels plus the recommended app labels. */
export function resourceLabels(
  claim: ClaimObject,
  component: string,
): Record<string, string> {
  return {
    ...podLabels(claim),
    'app.kubernetes.io/name': claim.spec.engine,
    'app.kubernetes.io/instance': claim.metadata.name,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': 'dbaas',
    'app.kubernetes.io/managed-by': MANAGED_BY,
  };
}

/**
 * The claim as controlling owner: deleting the claim garbage-collects the
 * resource, and blockOwnerDeletion keeps a foreground deletion of the claim
 * waiting until the engine resources are gone.
 */
export function ownerReference(claim: ClaimObject): OwnerReference {
  return {
    apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
    kind: SERVICE_CLAIM_API.kind,
    name: claim.metadata.name,
    uid: claim.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** A resource in the claim's namespace, labelled and owned by the claim. */
export function resource(
  claim: ClaimObject,
  head: { apiVersion: string; kind: string; name: string; component: string },
  body: Pick<RenderedResource, 'spec' | 'data' | 'type'>,
  annotations?: Record<string, string>,
): RenderedResource {
  const present = Object.entries(annotations ?? {}).filter(([, v]) => v);
  return {
    apiVersion: head.apiVersion,
    kind: head.kind,
    metadata: {
      name: head.name,
      namespace: claim.metadata.namespace,
      labels: resourceLabels(claim, head.component),
      ...(present.length ? { annotations: Object.fromEntries(present) } : {}),
      ownerReferences: [ownerReference(claim)],
    },
    ...body,
  };
}

/** The notes annotation, or nothing when every wish could be expressed. */
export function notesAnnotation(notes: string[]): Record<string, string> {
  return notes.length ? { [NOTES_ANNOTATION]: notes.join(' ') } : {};
}
