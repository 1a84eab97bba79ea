/** How a reconcile ended. Failures throw a {@link ReconcileError} instead, for the queue to back off. */
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
