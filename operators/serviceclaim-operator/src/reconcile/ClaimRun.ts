import type {
  ServiceClaimSpec,
  ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeError,
  isConflict,
} from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';
import type { ClaimObject } from '../render/types';
import type { StoredClaim } from './ClaimApi';
import type { ReconcileDeps } from './ReconcileDeps';
import { ReconcileError } from './ReconcileOutcome';
import { statusChange, withCondition } from './statusChange';

type Phase = NonNullable<ServiceClaimStatus['phase']>;
type Condition = NonNullable<ServiceClaimStatus['conditions']>[number];

/**
 * One reconcile of one claim, as its steps share it: the claim as last read or
 * written (each write answers with the stored claim, whose resourceVersion the
 * next write is conditional on), one clock reading, and the writes that report
 * on the claim what the operator decided or what failed.
 */
export class ClaimRun {
  claim: StoredClaim;
  readonly now: Date;
  readonly logger: Logger;
  /** Whether this run changed the claim's status. */
  statusWritten = false;

  constructor(
    readonly deps: ReconcileDeps,
    claim: StoredClaim,
    readonly signal?: AbortSignal,
  ) {
    this.claim = claim;
    this.now = deps.now?.() ?? new Date();
    this.logger = deps.logger.child({
      claim: `${claim.metadata.namespace}/${claim.metadata.name}`,
      generation: claim.metadata.generation,
    });
  }

  /** The claim as the render and status functions take it, with its valid spec. */
  view(spec: ServiceClaimSpec): ClaimObject {
    const { name, namespace, uid, generation, labels, annotations } =
      this.claim.metadata;
    return {
      apiVersion: this.claim.apiVersion,
      kind: this.claim.kind,
      metadata: { name, namespace, uid, generation, labels, annotations },
      spec,
    };
  }

  async setFinalizers(finalizers: string[]): Promise<void> {
    this.claim = await this.deps.claims.setFinalizers(
      this.claim,
      finalizers,
      this.signal,
    );
  }

  /** Writes the status when it differs from the claim's. */
  async writeStatus(desired: ServiceClaimStatus): Promise<void> {
    const patch = statusChange(this.claim.status, desired);
    if (!patch) return;
    this.claim = await this.deps.claims.patchStatus(
      this.claim,
      patch,
      this.signal,
    );
    this.statusWritten = true;
  }

  /** Sets the Ready condition (and phase) the operator decides on itself. */
  async report(phase: Phase, reason: string, message: string): Promise<void> {
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

  /** Reports Ready=False with `reason` and throws it, for the queue to back off. */
  async fail(phase: Phase, reason: string, message: string): Promise<never> {
    try {
      await this.report(phase, reason, message);
    } catch (error) {
      this.logger.warn('could not report a failure on the claim', {
        error: describeError(error),
      });
    }
    throw new ReconcileError(reason, message);
  }

  /** Runs one write; a failure is reported on the claim and rethrown. */
  async step<R>(
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
}
