import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import {
  Informer,
  objectKey,
  type InformerEvent,
  type ObjectApi,
} from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';
import { kindKey, type ManagedKind } from '../reconcile/managedKinds';

/** Options of {@link OwnedResources}. */
export type OwnedResourcesOptions = {
  kubeConfig: KubeConfig;
  objects: ObjectApi;
  kinds: ManagedKind[];
  /** Selects the operator's objects among all of a kind. */
  labelSelector: string;
  logger: Logger;
  /**
   * Called with the owning claim's `namespace/name` when one of its objects is
   * added, deleted, or changes its status or spec (generation).
   */
  onOwnerChanged?: (claimKey: string) => void;
  backoff?: { initialMs?: number; maxMs?: number };
};

/** The claim an object belongs to, from its controller ownerReference. */
function ownerOf(
  object: KubernetesObject,
): { uid: string; key: string } | undefined {
  const owner = object.metadata?.ownerReferences?.find(
    ref => ref.controller && ref.kind === SERVICE_CLAIM_API.kind,
  );
  if (!owner || !object.metadata?.namespace) return undefined;
  // ownerReferences only point within a namespace.
  return { uid: owner.uid, key: `${object.metadata.namespace}/${owner.name}` };
}

function changedEnough(event: InformerEvent<KubernetesObject>): boolean {
  if (event.type !== 'MODIFIED' || !event.previous) return true;
  const before = event.previous as KubernetesObject & { status?: unknown };
  const after = event.object as KubernetesObject & { status?: unknown };
  return (
    before.metadata?.generation !== after.metadata?.generation ||
    JSON.stringify(before.status) !== JSON.stringify(after.status) ||
    Boolean(after.metadata?.deletionTimestamp)
  );
}

/**
 * The operator's objects of every managed kind, cached by one informer per kind
 * and indexed by the claim that owns them. Reconciles prune from this cache
 * instead of listing every kind per claim, and an engine's status change
 * requeues its claim so the claim's status follows.
 */
export class OwnedResources {
  private readonly informers = new Map<string, Informer>();
  // Owning claim's uid → keys (`kind/namespace/name`) of its objects.
  private readonly byOwner = new Map<string, Map<string, KubernetesObject>>();
  private started = false;

  constructor(private readonly options: OwnedResourcesOptions) {
    for (const kind of options.kinds) this.ensureKind(kind);
  }

  /** The kinds watched. */
  kinds(): ManagedKind[] {
    return [...this.informers.values()].map(informer => informer.kindOf);
  }

  /** Watches `kind` too, if it is not watched yet. */
  ensureKind(kind: ManagedKind): void {
    const id = kindKey(kind);
    if (this.informers.has(id)) return;
    const informer = new Informer({
      kubeConfig: this.options.kubeConfig,
      objects: this.options.objects,
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      labelSelector: this.options.labelSelector,
      logger: this.options.logger,
      backoff: this.options.backoff,
      forbiddenMeansEmpty: true,
      onEvent: event => this.index(id, event),
    });
    this.informers.set(id, informer);
    if (this.started) informer.start();
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map(i => i.stop()));
  }

  /** Whether every kind has been listed (or found not served). */
  get synced(): boolean {
    return [...this.informers.values()].every(i => i.synced);
  }

  /**
   * The cached objects the claim with `uid` owns, and whether the cache is
   * complete for every kind (pruning from an incomplete cache could miss one).
   */
  ownedBy(uid: string): { objects: KubernetesObject[]; complete: boolean } {
    return {
      objects: [...(this.byOwner.get(uid)?.values() ?? [])],
      complete: this.synced,
    };
  }

  private index(kindId: string, event: InformerEvent<KubernetesObject>): void {
    const owner = ownerOf(event.object);
    if (!owner) return;
    const key = `${kindId}/${objectKey(event.object)}`;
    let owned = this.byOwner.get(owner.uid);
    if (event.type === 'DELETED') {
      owned?.delete(key);
      if (owned?.size === 0) this.byOwner.delete(owner.uid);
    } else {
      if (!owned) {
        owned = new Map();
        this.byOwner.set(owner.uid, owned);
      }
      owned.set(key, event.object);
    }
    if (changedEnough(event)) this.options.onOwnerChanged?.(owner.key);
  }
}
