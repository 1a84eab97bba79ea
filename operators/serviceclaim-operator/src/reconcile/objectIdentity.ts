import type { KubernetesObject } from '@kubernetes/client-node';

/** apiVersion, kind, namespace and name: what tells two objects apart. */
export function objectIdentity(object: KubernetesObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`;
}

/** `Kind/name`: how a message names an object of the claim's namespace. */
export function objectLabel(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}
