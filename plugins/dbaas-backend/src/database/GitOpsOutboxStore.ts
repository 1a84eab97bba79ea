import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { migratedClient } from './migrations';

/** What a change of a database did to its claim. */
export type ClaimChangeKind = 'apply' | 'remove' | 'backup';

/** A change of a claim, recorded in the transaction of the change. */
export type ClaimChange = {
  serviceId: string;
  /** The claim's file in the GitOps repository. */
  path: string;
  kind: ClaimChangeKind;
  /** The database's generation the change made. */
  generation: number;
  /** The commit message: a subject line, a blank line, the details. */
  message: string;
  /** Names the change, as a proposal's branch would. */
  topic: string;
  /** What the commit is for, when it is not the generation. */
  purpose?: string;
};

/** A change waiting in the outbox. */
export type PendingClaimChange = ClaimChange & {
  seq: number;
  attempts: number;
  lastError?: string;
};

type RawOutboxRow = {
  seq: number | string;
  service_id: string;
  path: string;
  kind: ClaimChangeKind;
  generation: number;
  message: string;
  topic: string;
  purpose: string | null;
  created_at: Date | string;
  attempts: number;
  next_attempt_at: Date | string | number;
  last_error: string | null;
  leased_by: string | null;
  leased_until: Date | string | number | null;
};

const TABLE = 'gitops_outbox';

function toChange(row: RawOutboxRow): PendingClaimChange {
  return {
    seq: Number(row.seq),
    serviceId: row.service_id,
    path: row.path,
    kind: row.kind,
    generation: Number(row.generation),
    message: row.message,
    topic: row.topic,
    ...(row.purpose ? { purpose: row.purpose } : {}),
    attempts: Number(row.attempts),
    ...(row.last_error ? { lastError: row.last_error } : {}),
  };
}

/**
 * The GitOps outbox (`gitops_outbox`): changes of claims recorded in the
 * transaction of the change, written to the repository after it commits by the
 * GitOps publisher (docs/architecture.md, "A request's path").
 *
 * A publisher leases all waiting changes of a database at once, so one
 * database's claim is written by one publisher at a time, in the order of its
 * changes, across replicas; a lease that outlives its publisher expires.
 */
export class GitOpsOutboxStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<GitOpsOutboxStore> {
    return new GitOpsOutboxStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /** Records a change; pass the transaction of the change. Returns its place in the outbox. */
  async add(tx: Knex.Transaction, change: ClaimChange): Promise<number> {
    const now = new Date();
    const [row] = await tx<RawOutboxRow>(TABLE)
      .insert({
        service_id: change.serviceId,
        path: change.path,
        kind: change.kind,
        generation: change.generation,
        message: change.message,
        topic: change.topic,
        purpose: change.purpose ?? null,
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        last_error: null,
        leased_by: null,
        leased_until: null,
      })
      .returning('seq');
    return Number(typeof row === 'object' ? row.seq : row);
  }

  /** Records changes in a transaction of their own (repairs, which change no database). */
  async addAll(changes: ClaimChange[]): Promise<void> {
    await this.db.transaction(async tx => {
      for (const change of changes) await this.add(tx, change);
    });
  }

  /**
   * Leases the waiting changes of up to `limit` databases that have a change
   * due, oldest first, each database's changes in order. A database whose
   * changes another publisher holds is skipped.
   */
  async lease(options: {
    holder: string;
    leaseMs: number;
    limit: number;
    now?: Date;
  }): Promise<PendingClaimChange[][]> {
    const now = options.now ?? new Date();
    const due: { service_id: string }[] = await this.db<RawOutboxRow>(TABLE)
      .select('service_id')
      .min({ first: 'seq' })
      .where('next_attempt_at', '<=', now)
      .groupBy('service_id')
      .orderBy('first')
      .limit(options.limit * 2);
    const leased: PendingClaimChange[][] = [];
    for (const { service_id: serviceId } of due) {
      if (leased.length >= options.limit) break;
      const changes = await this.leaseService(serviceId, options, now);
      if (changes.length > 0) leased.push(changes);
    }
    return leased;
  }

  private async leaseService(
    serviceId: string,
    options: { holder: string; leaseMs: number },
    now: Date,
  ): Promise<PendingClaimChange[]> {
    return this.db.transaction(async tx => {
      // Leasing a database's changes takes its row's lock, so two publishers
      // never both find them free (on SQLite, transactions take turns anyway).
      if (tx.client.config.client === 'pg') {
        await tx('service_instances')
          .where({ id: serviceId })
          .forUpdate()
          .first('id');
      }
      const rows = await tx<RawOutboxRow>(TABLE)
        .where({ service_id: serviceId })
        .orderBy('seq');
      const heldElsewhere = rows.some(
        row =>
          row.leased_by !== null &&
          row.leased_by !== options.holder &&
          row.leased_until !== null &&
          new Date(row.leased_until) > now,
      );
      if (heldElsewhere || rows.length === 0) return [];
      const seqs = rows.map(row => row.seq);
      await tx<RawOutboxRow>(TABLE)
        .whereIn('seq', seqs)
        .update({
          leased_by: options.holder,
          leased_until: new Date(now.getTime() + options.leaseMs),
        });
      return rows.map(toChange);
    });
  }

  /** Removes written changes the holder still leases; pass the transaction recording the write. */
  async complete(
    tx: Knex.Transaction,
    holder: string,
    seqs: number[],
  ): Promise<void> {
    await tx<RawOutboxRow>(TABLE)
      .whereIn('seq', seqs)
      .where({ leased_by: holder })
      .delete();
  }

  /** Gives changes back after a failed write, to be tried again at `retryAt`. */
  async retryLater(
    holder: string,
    seqs: number[],
    error: string,
    retryAt: Date,
  ): Promise<void> {
    await this.db<RawOutboxRow>(TABLE)
      .whereIn('seq', seqs)
      .where({ leased_by: holder })
      .update({
        attempts: this.db.raw('attempts + 1'),
        last_error: error.slice(0, 2000),
        next_attempt_at: retryAt,
        leased_by: null,
        leased_until: null,
      });
  }

  /** Whether the change is still waiting (false once written). */
  async isPending(seq: number): Promise<boolean> {
    return (await this.db(TABLE).where({ seq }).first('seq')) !== undefined;
  }

  /** The databases with changes waiting, for whoever compares the repository. */
  async pendingServiceIds(): Promise<Set<string>> {
    const rows: { service_id: string }[] = await this.db(TABLE).distinct(
      'service_id',
    );
    return new Set(rows.map(row => row.service_id));
  }

  /** How many changes wait, and since when the oldest does. */
  async backlog(): Promise<{ count: number; oldest?: Date }> {
    const [row] = await this.db(TABLE).count({ count: '*' }).min({
      oldest: 'created_at',
    });
    return {
      count: Number(row.count),
      ...(row.oldest ? { oldest: new Date(row.oldest) } : {}),
    };
  }
}
