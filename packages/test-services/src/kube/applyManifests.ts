import {
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import yaml from 'js-yaml';

/**
 * `kubectl apply --server-side --force-conflicts -n NAMESPACE` of manifests (objects,
 * or YAML with one or more documents): namespaced objects that name no namespace
 * go into `namespace`. Applied in order; the first refusal throws.
 */
export async function applyManifests(
  kc: KubeConfig,
  manifests: string | KubernetesObject[],
  options: { namespace?: string; fieldManager?: string } = {},
): Promise<KubernetesObject[]> {
  const objects =
    typeof manifests === 'string'
      ? (yaml
          .loadAll(manifests)
          .filter(
            doc => doc && typeof doc === 'object' && 'kind' in doc,
          ) as KubernetesObject[])
      : manifests;
  const client = KubernetesObjectApi.makeApiClient(kc);
  const applied: KubernetesObject[] = [];
  for (const object of objects) {
    // The apiserver clears the namespace of a cluster-scoped object.
    const metadata = {
      namespace: options.namespace,
      ...object.metadata,
    };
    applied.push(
      await client.patch(
        { ...object, metadata },
        undefined,
        undefined,
        options.fieldManager ?? 'dbaas-tests',
        true,
        PatchStrategy.ServerSideApply,
      ),
    );
  }
  return applied;
}
