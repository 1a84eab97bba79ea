import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubeConfig,
} from '@kubernetes/client-node';
import {
  SERVICE_CLAIM_API,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import {
  abortable,
  isNotFound,
  makeApiClient,
} from '@internal/backstage-plugin-dbaas-node';

/** A ServiceClaim as the apiserver has it; the spec is not validated yet. */
export type StoredClaim = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation: number;
    resourceVersion: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  spec?: unknown;
  status?: ServiceClaimStatus;
};

const claimPath = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};

/** Reads and writes ServiceClaims: the claim itself, its finalizers, its status. */
export class ClaimApi {
  private readonly api: CustomObjectsApi;

  constructor(kubeConfig: KubeConfig) {
    this.api = makeApiClient(kubeConfig, CustomObjectsApi);
  }

  /** The claim, or undefined when it is gone. */
  async get(
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<StoredClaim | undefined> {
    try {
      return (await this.api.getNamespacedCustomObject(
        { ...claimPath, namespace, name },
        abortable(signal),
      )) as StoredClaim;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Sets the claim's finalizers, on the condition that the claim is still at the
   * resourceVersion read (a 409 otherwise), so another controller's finalizer
   * added meanwhile is never dropped.
   */
  async setFinalizers(
    claim: StoredClaim,
    finalizers: string[],
    signal?: AbortSignal,
  ): Promise<StoredClaim> {
    return (await this.api.patchNamespacedCustomObject(
      {
        ...claimPath,
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        body: {
          metadata: {
            resourceVersion: claim.metadata.resourceVersion,
            finalizers,
          },
        },
      },
      setHeaderOptions(
        'Content-Type',
        PatchStrategy.MergePatch,
        abortable(signal),
      ),
    )) as StoredClaim;
  }

  /**
   * Merge-patches the status subresource, on the condition that the claim is
   * still at the resourceVersion read: a status computed from an older spec is
   * never written over a newer one.
   */
  async patchStatus(
    claim: StoredClaim,
    status: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<StoredClaim> {
    return (await this.api.patchNamespacedCustomObjectStatus(
      {
        ...claimPath,
        namespace: claim.metadata.namespace,
        name: claim.metadata.name,
        body: {
          metadata: { resourceVersion: claim.metadata.resourceVersion },
          status,
        },
      },
      setHeaderOptions(
        'Content-Type',
        PatchStrategy.MergePatch,
        abortable(signal),
      ),
    )) as StoredClaim;
  }
}
