import type { KubernetesObject } from '@kubernetes/client-node';
import {
  isNotFound,
  type ObjectApi,
} from '@internal/backstage-plugin-dbaas-node';

/**
 * Deletes `object` and returns at once; the garbage collector deletes its
 * dependents after it (background propagation). One already gone is deleted.
 */
export async function deleteInBackground(
  objects: ObjectApi,
  object: KubernetesObject,
): Promise<void> {
  try {
    await objects.delete(
      object,
      undefined,
      undefined,
      undefined,
      undefined,
      'Background',
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
