import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { ServiceChangedEvent } from '@internal/backstage-plugin-dbaas-common';
import { backoffDelay } from '@internal/backstage-plugin-dbaas-node';

/** What happened to a database, as its `dbaas.service.changed` event says. */
export type ServiceChangeAction = ServiceChangedEvent['action'];

type PendingChange = { action: ServiceChangeAction; attempt: number };

// A change that cannot be applied is retried after 1, 2, 4, 8 and 16 s; then the
// next full run corrects the catalog.
const CHANGE_ATTEMPTS = 6;

/**
 * The database changes an entity provider has yet to apply to the catalog.
 *
 * `add` returns at once: the event's publisher is not kept waiting, and changes
 * that arrive while a batch is applied are applied together after it, each
 * database once however many events it had. A change the batch could not apply
 * is retried with backoff, then left to the next full run.
 *
 * The provider needs this queue of its own: the scheduler's task runner only
 * retries a whole run, at its next turn, and the events service logs and drops
 * an event its subscriber failed on.
 */
export class ServiceChangeQueue {
  private readonly pending = new Map<string, PendingChange>();
  private draining = false;

  constructor(
    private readonly options: {
      /**
       * Applies a batch of changes, by database id; resolves to the ids it
       * could not apply, each with its error.
       */
      apply: (
        batch: [string, ServiceChangeAction][],
      ) => Promise<[string, unknown][]>;
      logger: LoggerService;
    },
  ) {}

  /** Queues a change of the database `id`. */
  add(id: string, action: ServiceChangeAction) {
    this.enqueue(id, action, 0);
  }

  private enqueue(id: string, action: ServiceChangeAction, attempt: number) {
    // Ids are never reused: once deleted, a database stays deleted.
    if (this.pending.get(id)?.action !== 'deleted') {
      this.pending.set(id, { action, attempt });
    }
    if (!this.draining) {
      this.draining = true;
      void this.drain();
    }
  }

  private async drain() {
    while (this.pending.size > 0) {
      const batch = new Map(this.pending);
      this.pending.clear();
      try {
        const failed = await this.options.apply(
          [...batch].map(([id, change]) => [id, change.action]),
        );
        for (const [id, error] of failed) {
          this.retryLater(id, batch.get(id)!, error);
        }
      } catch (error) {
        // `apply` reports what fails; this is a bug, and must not stop the queue.
        this.options.logger.error(
          'Failed to apply DBaaS database changes',
          toError(error),
        );
      }
    }
    this.draining = false;
  }

  private retryLater(id: string, change: PendingChange, error: unknown) {
    const { logger } = this.options;
    if (change.attempt + 1 >= CHANGE_ATTEMPTS) {
      logger.error(
        `Gave up putting DBaaS database ${id} in the catalog; the next full run will`,
        toError(error),
      );
      return;
    }
    const delayMs = backoffDelay(change.attempt + 1, {
      initialMs: 1_000,
      maxMs: 16_000,
      jitter: false,
    });
    logger.warn(
      `Failed to put DBaaS database ${id} in the catalog; retrying in ${
        delayMs / 1000
      } s`,
      toError(error),
    );
    // Unref'd: a pending retry must not keep a stopping backend alive.
    setTimeout(
      () => this.enqueue(id, change.action, change.attempt + 1),
      delayMs,
    ).unref();
  }
}
