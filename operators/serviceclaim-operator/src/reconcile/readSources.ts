import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import type { ObjectSource } from '../status/engineStatus';
import { listAllPages } from './listAllPages';

/**
 * Every object `sources` name in `namespace`, each source read page by page.
 * A kind the apiserver does not serve (its operator is not installed) has
 * none; any other failure is thrown.
 */
export async function readSources(
  objects: ObjectApi,
  namespace: string,
  sources: ObjectSource[],
): Promise<KubernetesObject[]> {
  const found: KubernetesObject[] = [];
  for (const source of sources) {
    if (!(await objects.collectionPath(source.apiVersion, source.kind))) {
      continue;
    }
    found.push(
      ...(await listAllPages(objects, source, {
        namespace,
        labelSelector: source.labelSelector,
      })),
    );
  }
  return found;
}
