import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import type { ManagedKind } from './managedKinds';

/**
 * Every object of `kind` in `namespace` matching `labelSelector`, read page by
 * page (500 a page) so a namespace with many objects never comes in one answer.
 * List items come without apiVersion and kind; these carry them.
 */
export async function listAllPages(
  objects: ObjectApi,
  kind: ManagedKind,
  options: { namespace: string; labelSelector: string },
): Promise<KubernetesObject[]> {
  const { items } = await objects.listAll(kind.apiVersion, kind.kind, options);
  return items.map(item => ({
    ...item,
    apiVersion: kind.apiVersion,
    kind: kind.kind,
  }));
}
