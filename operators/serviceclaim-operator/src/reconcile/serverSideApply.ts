import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import type { ObjectApi } from '@internal/backstage-plugin-dbaas-node';

/**
 * The field manager of every write the operator makes. Fixed, so that a new
 * replica or version owns the same fields as the last and a field it stops
 * rendering is removed by the apiserver.
 */
export const FIELD_MANAGER = 'serviceclaim-operator';

/**
 * Server-side applies `resource` and returns the object as stored, status
 * included. Forced: the operator owns what it renders, and a conflicting
 * manager (someone's `kubectl edit`) is overruled rather than left to drift.
 * Applying what is already there changes nothing, not even the resourceVersion.
 */
export async function serverSideApply<T extends KubernetesObject>(
  objects: ObjectApi,
  resource: T,
): Promise<T> {
  return objects.patch(
    resource,
    undefined,
    undefined,
    FIELD_MANAGER,
    true,
    PatchStrategy.ServerSideApply,
  );
}
