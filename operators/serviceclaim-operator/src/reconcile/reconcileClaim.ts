import type { KubernetesObject } from '@kubernetes/client-node';
import {
  formatZodError,
  serviceClaimSpecSchema,
  type ServiceClaimSpec,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import { describeError, isConflict, isNotFound } from '../controller/apiErrors';
import type { ObjectApi } from '../controller/ObjectApi';
import type { OwnedResources } from '../controller/OwnedResources';
import type { Logger } from '../logger';
import { BACKUP_ID_LABEL } from '../render/backup';
import { MANAGED_BY } from '../render/common';
import type { BackupRequestPlan } from '../render/engines/engineRenderer';
import type {
  ClaimObject,
  RenderContext,
  RenderedResource,
} from '../render/types';
import type { ClaimBackupReader } from '../status/claimBackups';
import type { ClaimApi, StoredClaim } from './ClaimApi';
import { ensureCredentials } from './ensureCredentials';
import { finalBackupState } from './finalBackupState';
import { listAllPages } from './listAllPages';
import { kindKey, type ManagedKind } from './managedKinds';
import { readBackups, reportBackups } from './reportBackups';
import { serverSideApply } from './serverSideApply';
import { statusChange, withCondition } from './statusChange';

/** The finalizer that holds a claim until its engine resources are cleaned up. */
export const FINALIZER = 'dbaas.io/cleanup';

/** The label selector of everything the operator renders. */
export const MANAGED_SELECTOR = `app.kubernetes.io/managed-by=${MANAGED_BY}`;

/** What a reconcile needs; the render and status functions are injectable for tests. */
export type ReconcileDeps = {
  claims: ClaimApi;
  objects: ObjectApi;
  /** The cache pruning reads; without one, nothing is pruned outside deletion. */
  owned?: OwnedResources;
  /** The kinds a deletion looks through for the claim's objects. */
  managedKinds: () => ManagedKind[];
  render: (claim: ClaimObject, ctx: RenderContext) => RenderedResource[];
  /** The engine's on-demand backup for a claim being deleted, if it has one. */
  renderFinalBackup?: (
    claim: ClaimObject,
    ctx: RenderContext,
  ) => RenderedResource | undefined;
  statusFrom: (
    claim: ClaimObject,
    observed: KubernetesObject[],
    now: Date,
  ) => ServiceClaimStatus;
  /** The claim's backups for `status.backups`; without it none are reported. */
  backups?: ClaimBackupReader;
  /** What to do about the manual backup the claim's annotation requests. */
  renderBackupRequest?: (
    claim: ClaimObject,
    ctx: RenderContext,
    backupId: string,
  ) => BackupRequestPlan;
  context: RenderContext;
  logger: Logger;
  now?: () => Date;
  /** Claims (by uid) whose credentials Secret this process made or found. */
  credentialsCreated?: Set<string>;
  /** How often a deletion looks again at a final backup in progress; default 15 s. */
  finalBackupPollMs?: number;
  /** How often a deletion looks again at resources still going; default 5 s. */
  deletionPollMs?: number;
};

/** How a reconcile ended. Failures throw instead, for the queue to back off. */
export type ReconcileOutcome = {
  action:
    | 'absent'
    | 'invalid'
    | 'applied'
    | 'conflict'
    | 'deleting'
    | 'deleted';
  /** Set when the claim should be looked at again although nothing failed. */
  requeueAfterMs?: number;
  statusWritten: boolean;
};

/** A failed reconcile, already reported on the claim's Ready condition. */
export class ReconcileError extends Error {
  constructor(readonly reason: string, message: string) {
    super(message);
    this.name = 'ReconcileError';
  }
}

type Condition = NonNullable<ServiceClaimStatus['conditions']>[number];

function identity(object: KubernetesObject): string {
  return `${object.apiVersion}/${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`;
}

function label(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.name}`;
}

function claimView(claim: StoredClaim, spec: ServiceClaimSpec): ClaimObject {
  const { name, namespace, uid, generation, labels, annotations } =
    claim.metadata;
  return {
    apiVersion: claim.apiVersion,
    kind: claim.kind,
    metadata: { name, namespace, uid, generation, labels, annotations },
    spec,
  };
}

function ownedBy(object: KubernetesObject, uid: string): boolean {
  return Boolean(
    object.metadata?.ownerReferences?.some(ref => ref.uid === uid),
  );
}

/** The steps of one reconcile of one claim, sharing what they read. */
class ClaimReconcile {
  private claim: StoredClaim;
  private readonly now: Date;
  private readonly logger: Logger;
  private statusWritten = false;
  private readonly extraKinds = new Map<string, ManagedKind>();

  constructor(
    private readonly deps: ReconcileDeps,
    claim: StoredClaim,
    private readonly signal?: AbortSignal,
  ) {
    this.claim = claim;
    this.now = deps.now?.() ?? new Date();
    this.logger = deps.logger.child({
      claim: `${claim.metadata.namespace}/${claim.metadata.name}`,
      generation: claim.metadata.generation,
    });
  }

  async reconcile(): Promise<ReconcileOutcome> {
    const parsed = serviceClaimSpecSchema.safeParse(this.claim.spec);
    if (!parsed.success) {
      const message = formatZodError(parsed.error);
      // Not an error to retry: nothing changes until the claim is edited, and
      // the edit's watch event brings it back.
      await this.report('Failed', 'InvalidSpec', message);
      if (this.statusWritten) {
        this.logger.warn('claim has an invalid spec', { reason: message });
      }
      return { action: 'invalid', statusWritten: this.statusWritten };
    }
    const view = claimView(this.claim, parsed.data);
    const rendered = await this.render(view);
    // Before the first write: a claim this PoP renders nothing for (it runs in
    // other regions) has nothing to clean up and needs no finalizer.
    if (rendered.length > 0) await this.ensureFinalizer();
    for (const resource of rendered) this.deps.owned?.ensureKind(resource);

    const applied: KubernetesObject[] = [];
    if (rendered.length > 0) {
      await this.step('ApplyFailed', 'credentials Secret', () =>
        ensureCredentials(
          this.deps.objects,
          view,
          this.deps.credentialsCreated ?? new Set(),
        ),
      );
    }
    for (const resource of rendered) {
      applied.push(
        await this.step('ApplyFailed', label(resource), () =>
          serverSideApply(this.deps.objects, resource),
        ),
      );
    }
    await this.prune(rendered);

    const status = this.deps.statusFrom(view, applied, this.now);
    const backups = await reportBackups(this.deps, view, {
      reported: this.claim.status?.backups,
      logger: this.logger,
    });
    await this.writeStatus({
      ...status,
      observedGeneration: this.claim.metadata.generation,
      ...(backups?.length ? { backups } : {}),
    });
    return { action: 'applied', statusWritten: this.statusWritten };
  }

  async finalize(): Promise<ReconcileOutcome> {
    const finalizers = this.claim.metadata.finalizers ?? [];
    if (!finalizers.includes(FINALIZER)) {
      // Not ours to hold up; another controller's finalizer keeps it.
      return { action: 'deleting', statusWritten: false };
    }
    // What the claim renders names kinds to look through besides the managed
    // ones (a stand-in's, or a kind added since); a spec that no longer
    // validates just renders nothing here.
    const parsed = serviceClaimSpecSchema.safeParse(this.claim.spec);
    if (parsed.success) {
      try {
        const view = claimView(this.claim, parsed.data);
        for (const resource of this.deps.render(view, this.deps.context)) {
          this.extraKinds.set(kindKey(resource), resource);
        }
      } catch {
        // A render failure has been reported by the reconciles before.
      }
    }
    const backup = await this.finalBackup();
    if (backup?.state === 'pending') {
      await this.report(
        'Deleting',
        'FinalBackupPending',
        `Waiting for the final backup ${label(
          backup.object,
        )} to complete before deleting the database`,
      );
      return {
        action: 'deleting',
        requeueAfterMs: this.deps.finalBackupPollMs ?? 15_000,
        statusWritten: this.statusWritten,
      };
    }

    const keep = backup ? identity(backup.object) : undefined;
    const remaining = await this.deleteOwned(keep);
    if (remaining.length > 0) {
      await this.report(
        'Deleting',
        'WaitingForResources',
        `Waiting for ${remaining
          .map(
            o =>
              `${label(o)}${
                o.metadata?.finalizers?.length
                  ? ` (finalizers: ${o.metadata.finalizers.join(', ')})`
                  : ''
              }`,
          )
          .join(', ')} to be deleted`,
      );
      return {
        action: 'deleting',
        requeueAfterMs: this.deps.deletionPollMs ?? 5_000,
        statusWritten: this.statusWritten,
      };
    }

    await this.deps.claims.setFinalizers(
      this.claim,
      finalizers.filter(f => f !== FINALIZER),
      this.signal,
    );
    this.logger.info('claim cleaned up; finalizer removed');
    return { action: 'deleted', statusWritten: this.statusWritten };
  }

  /** The claim's resources; a renderer that throws is reported and rethrown. */
  private async render(view: ClaimObject): Promise<RenderedResource[]> {
    try {
      return this.deps.render(view, this.deps.context);
    } catch (error) {
      return this.fail('Failed', 'RenderFailed', describeError(error));
    }
  }

  /** Requests the final backup when backups are on, and says how far it is. */
  private async finalBackup(): Promise<
    { object: KubernetesObject; state: 'pending' | 'completed' } | undefined
  > {
    const spec = this.claim.spec as { backup?: { enabled?: boolean } };
    if (!spec?.backup?.enabled) return undefined;
    const parsed = serviceClaimSpecSchema.safeParse(this.claim.spec);
    if (!parsed.success) {
      return this.fail(
        'Deleting',
        'FinalBackupFailed',
        `No final backup can be made of an invalid spec (${formatZodError(
          parsed.error,
        )}); fix the spec, or remove the finalizer ${FINALIZER} to delete without one`,
      );
    }
    let request: RenderedResource | undefined;
    try {
      request = this.deps.renderFinalBackup?.(
        claimView(this.claim, parsed.data),
        this.deps.context,
      );
    } catch (error) {
      return this.fail('Deleting', 'FinalBackupFailed', describeError(error));
    }
    if (!request) return undefined;
    // Watched, so that its completion brings the claim back at once.
    this.deps.owned?.ensureKind(request);
    // Applying again is a no-op: a retried deletion never asks for a second backup.
    const object = await this.step(
      'FinalBackupFailed',
      `final backup ${label(request)}`,
      () => serverSideApply(this.deps.objects, request!),
      'Deleting',
    );
    // The portal learns how the final backup goes before the claim is gone.
    const backups = await readBackups(
      this.deps,
      claimView(this.claim, parsed.data),
      { reported: this.claim.status?.backups, logger: this.logger },
    );
    if (backups?.length) {
      await this.writeStatus({ ...this.claim.status, backups });
    }
    const state = finalBackupState(object);
    if (state === 'failed') {
      const detail = (object as { status?: { error?: string } }).status?.error;
      return this.fail(
        'Deleting',
        'FinalBackupFailed',
        `The final backup ${label(object)} failed${
          detail ? `: ${detail}` : ''
        }; delete it to try again, or remove the finalizer ${FINALIZER} to delete without one`,
      );
    }
    return { object, state };
  }

  /**
   * Deletes every object of a managed kind the claim owns, except `keep` (the
   * final backup, which outlives the claim), and returns those still there.
   * Reads the apiserver, not the cache: a deletion must not miss anything.
   */
  private async deleteOwned(keep?: string): Promise<KubernetesObject[]> {
    const owned = await this.step('CleanupFailed', 'listing resources', () =>
      this.listOwned(),
    );
    const targets = owned.filter(o => identity(o) !== keep);
    for (const object of targets) {
      if (object.metadata?.deletionTimestamp) continue;
      await this.step(
        'CleanupFailed',
        `deleting ${label(object)}`,
        async () => {
          try {
            await this.deps.objects.delete(
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
        },
        'Deleting',
      );
    }
    if (targets.length === 0) return [];
    // Looked at again only where there was something to delete.
    const left = await this.step('CleanupFailed', 'listing resources', () =>
      this.listOwned(
        new Map(
          targets.map(o => {
            const kind = { apiVersion: o.apiVersion!, kind: o.kind! };
            return [kindKey(kind), kind];
          }),
        ),
      ),
    );
    return left.filter(o => identity(o) !== keep);
  }

  /**
   * The claim's objects of `kinds` (by default every managed kind and what the
   * claim renders). Selected by the operator's label and the claim's
   * `app.kubernetes.io/instance`, so that a deletion reads the claim's own few
   * objects and not every database's in the namespace; ownership is then
   * checked by uid. An object that lost its labels is left to the garbage
   * collector, which follows its ownerReference.
   */
  private async listOwned(
    kinds: Map<string, ManagedKind> = new Map([
      ...this.deps.managedKinds().map(kind => [kindKey(kind), kind] as const),
      ...this.extraKinds,
    ]),
  ): Promise<KubernetesObject[]> {
    const uid = this.claim.metadata.uid;
    const lists = await Promise.all(
      [...kinds.values()].map(async kind => {
        if (
          !(await this.deps.objects.collectionPath(kind.apiVersion, kind.kind))
        ) {
          return [];
        }
        const items = await listAllPages(this.deps.objects, kind, {
          namespace: this.claim.metadata.namespace!,
          labelSelector: `${MANAGED_SELECTOR},app.kubernetes.io/instance=${this.claim.metadata.name}`,
        });
        return items.filter(item => ownedBy(item, uid));
      }),
    );
    return lists.flat();
  }

  /** Deletes what the claim owned before and renders no more, from the cache. */
  private async prune(rendered: RenderedResource[]): Promise<void> {
    if (!this.deps.owned) return;
    const { objects } = this.deps.owned.ownedBy(this.claim.metadata.uid);
    const wanted = new Set(rendered.map(identity));
    for (const object of objects) {
      if (wanted.has(identity(object)) || object.metadata?.deletionTimestamp)
        continue;
      // A requested backup is data taken, not desired state: it stays.
      if (object.metadata?.labels?.[BACKUP_ID_LABEL]) continue;
      this.logger.info('pruning a resource the claim no longer renders', {
        resource: label(object),
      });
      await this.step('ApplyFailed', `pruning ${label(object)}`, async () => {
        try {
          await this.deps.objects.delete(
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
      });
    }
  }

  private async ensureFinalizer(): Promise<void> {
    const finalizers = this.claim.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER)) return;
    this.claim = await this.deps.claims.setFinalizers(
      this.claim,
      [...finalizers, FINALIZER],
      this.signal,
    );
  }

  /** Runs one write; a failure is reported on the claim and rethrown. */
  private async step<R>(
    reason: string,
    what: string,
    write: () => Promise<R>,
    phase: 'Failed' | 'Deleting' = 'Failed',
  ): Promise<R> {
    try {
      return await write();
    } catch (error) {
      // Lost a race with another writer: not a failure to report.
      if (isConflict(error)) throw error;
      return this.fail(phase, reason, `${what}: ${describeError(error)}`);
    }
  }

  /** Reports Ready=False with `reason` and throws it, for the queue to back off. */
  private async fail(
    phase: NonNullable<ServiceClaimStatus['phase']>,
    reason: string,
    message: string,
  ): Promise<never> {
    try {
      await this.report(phase, reason, message);
    } catch (error) {
      this.logger.warn('could not report a failure on the claim', {
        error: describeError(error),
      });
    }
    throw new ReconcileError(reason, message);
  }

  /** Sets the Ready condition (and phase) the operator decides on itself. */
  private async report(
    phase: NonNullable<ServiceClaimStatus['phase']>,
    reason: string,
    message: string,
  ): Promise<void> {
    const generation = this.claim.metadata.generation;
    const condition: Condition = {
      type: 'Ready',
      status: 'False',
      reason,
      message,
      lastTransitionTime: this.now.toISOString(),
      observedGeneration: generation,
    };
    await this.writeStatus({
      ...this.claim.status,
      phase,
      observedGeneration: generation,
      conditions: withCondition(this.claim.status, condition),
    });
  }

  private async writeStatus(desired: ServiceClaimStatus): Promise<void> {
    const patch = statusChange(this.claim.status, desired);
    if (!patch) return;
    this.claim = await this.deps.claims.patchStatus(
      this.claim,
      patch,
      this.signal,
    );
    this.statusWritten = true;
  }
}

/**
 * One level-triggered reconcile of the claim `namespace/name`: whatever
 * happened before, it makes the cluster match the claim as it is now, and
 * running it again changes nothing.
 *
 * A live claim is validated (a spec the CRD let through but the rules refuse is
 * reported as Ready=False, InvalidSpec, and left alone until it is edited),
 * rendered, given the cleanup finalizer (when it renders anything here),
 * server-side applied, pruned of what it no
 * longer renders, and its status written when it changed. A claim being deleted
 * gets its final backup (when its backups are on), then its resources deleted,
 * then its finalizer removed; a step that fails keeps the finalizer and says why
 * on the Ready condition.
 */
export async function reconcileClaim(
  deps: ReconcileDeps,
  key: string,
  signal?: AbortSignal,
): Promise<ReconcileOutcome> {
  const [namespace, name] = key.split('/');
  const claim = await deps.claims.get(namespace, name, signal);
  if (!claim) return { action: 'absent', statusWritten: false };
  const run = new ClaimReconcile(deps, claim, signal);
  try {
    return claim.metadata.deletionTimestamp
      ? await run.finalize()
      : await run.reconcile();
  } catch (error) {
    // Someone wrote the claim meanwhile; its watch event brings it back at once.
    if (isConflict(error)) {
      return { action: 'conflict', requeueAfterMs: 0, statusWritten: false };
    }
    throw error;
  }
}
