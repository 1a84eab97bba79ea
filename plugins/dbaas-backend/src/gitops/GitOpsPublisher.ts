import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import {
  claimFilePath,
  claimManifestYaml,
} from '@internal/backstage-plugin-dbaas-common';
import { backoffDelay } from '@internal/backstage-plugin-dbaas-node';
import { randomUUID } from 'node:crypto';
import type {
  GitOpsOutboxStore,
  PendingClaimChange,
} from '../database/GitOpsOutboxStore';
import type { ServiceRecord, ServiceStore } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import { ClaimOwnershipError } from './claimOwnership';
import type { ConfirmRemovals } from './ConfirmRemovals';
import type { GitOpsChange } from './GitOpsRepository';
import type { GitOpsWriter, GitOpsWritten } from './GitOpsWriter';
import { PullRequestError } from './PullRequestError';

/** Whether a change reached the GitOps repository when its caller stopped waiting. */
export type HandOverOutcome =
  | { state: 'written' }
  | { state: 'waiting'; reason?: string };

/** One database's waiting changes, rendered as the database is now. */
type Prepared = {
  serviceId: string;
  changes: PendingClaimChange[];
  change: GitOpsChange;
  /** The message of the newest change: what the write is for. */
  message: string;
  topic: string;
  /** Whether the portal knows the database (a reconcile may remove files of ones it never had). */
  known: boolean;
  /** The database, when this write removes the claim of one being deleted. */
  deleting?: ServiceRecord;
  /** The proposal of the database's last write, which this write replaces. */
  previousProposal?: string;
};

const subjectOf = (message: string) => message.split('\n', 1)[0];

/**
 * Writes the GitOps outbox to the repository: after the transaction of a
 * change commits, never inside one (docs/architecture.md, "A request's path").
 *
 * Each database's claim is rendered from its row as it is when written, not
 * as the change found it, so changes that wait together are written as one,
 * and a removal can never be overtaken by an older change: a database that is
 * being deleted is always written as no file. In commit mode the claims of
 * many databases go in one commit; in pull request mode each database's
 * changes are proposed on their own.
 *
 * A write that fails is tried again with backoff; the change stays recorded
 * meanwhile and its database shows no `committed` step for it. Every write has
 * a deadline, so a git host that stops answering holds no request and no
 * database connection.
 *
 * Where no cluster is watched (`confirmRemovals`), a removal committed to the
 * branch Argo CD syncs ends its database. A removal only proposed does not:
 * the portal does not see the merge, and the timeline says so.
 */
export class GitOpsPublisher {
  private readonly holder = randomUUID();
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly waiters = new Map<
    number,
    ((outcome: HandOverOutcome) => void)[]
  >();
  /** Changes this publisher is writing now: their waiters hear from it, not from polling. */
  private readonly writing = new Set<number>();
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      writer: GitOpsWriter;
      outbox: GitOpsOutboxStore;
      services: ServiceStore;
      timeline: TimelineStore;
      logger: LoggerService;
      /** The deadline of one write. Defaults to 60 s. */
      timeoutMs?: number;
      /** How often to look for changes due again (retries, other replicas' leftovers). Defaults to 5 s. */
      pollMs?: number;
      /** How many databases one commit may carry. Defaults to 100. */
      batchSize?: number;
      /** The first and the longest wait before a failed write is tried again. */
      retry?: { baseMs: number; maxMs: number };
      /** Set where the portal watches no cluster: nothing else confirms a removal. */
      confirmRemovals?: ConfirmRemovals;
      /**
       * Told, once per commit to the branch Argo CD syncs (not a proposal's
       * branch), the slugs of the tenants whose folders it changed and the
       * commit: to ask Argo CD to refresh rather than wait for its poll, until
       * it has synced that commit. Must not throw or hold the publisher up.
       */
      onCommitted?: (tenants: string[], sha: string) => void;
    },
  ) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.pollMs = options.pollMs ?? 5_000;
    this.batchSize = options.writer.batches ? options.batchSize ?? 100 : 1;
    this.retryBaseMs = options.retry?.baseMs ?? 1_000;
    this.retryMaxMs = options.retry?.maxMs ?? 300_000;
  }

  /** Starts looking for due changes every `pollMs`. */
  start(): void {
    // Each poll also lays out a PoP that has appeared since (cheap otherwise:
    // the writer compares the PoP list with the one it last laid out).
    const poll = () => {
      void this.options.writer.updateLayout();
      this.wake();
    };
    this.timer ??= setInterval(poll, this.pollMs);
    this.timer.unref();
    poll();
  }

  /** Stops looking, after the write in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Waits until the change at `seq` is written (by this publisher or another
   * replica's), its write failed once, or `waitMs` passed. The change is
   * recorded either way: a change still waiting is written later.
   */
  async handedOver(seq: number, waitMs = 10_000): Promise<HandOverOutcome> {
    let resolve!: (outcome: HandOverOutcome) => void;
    const settled = new Promise<HandOverOutcome>(r => {
      resolve = r;
    });
    this.waiters.set(seq, [...(this.waiters.get(seq) ?? []), resolve]);
    const deadline = Date.now() + waitMs;
    // Another replica may write it: look, now and then.
    const poll = setInterval(async () => {
      if (Date.now() > deadline) {
        resolve({ state: 'waiting' });
      } else if (
        !this.writing.has(seq) &&
        !(await this.options.outbox.isPending(seq).catch(() => true))
      ) {
        resolve({ state: 'written' });
      }
    }, Math.min(250, waitMs));
    this.wake();
    try {
      return await settled;
    } finally {
      clearInterval(poll);
      this.waiters.delete(seq);
    }
  }

  /** Writes what is due until nothing is; one run at a time. */
  private wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch(error =>
        this.options.logger.error(
          'Could not read the GitOps outbox',
          toError(error),
        ),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.wake();
        }
      });
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.publishDue()) > 0) {
      // Each round leases what became due during the last one.
    }
  }

  /** Writes the changes due now; returns how many databases it wrote (or failed to). */
  async publishDue(): Promise<number> {
    const groups = await this.options.outbox.lease({
      holder: this.holder,
      leaseMs: this.timeoutMs * 2 + 10_000,
      limit: this.options.writer.batches ? this.batchSize : 10,
    });
    if (groups.length === 0) return 0;
    const seqs = groups.flatMap(group => group.map(change => change.seq));
    seqs.forEach(seq => this.writing.add(seq));
    try {
      await this.writeAll(groups);
    } finally {
      seqs.forEach(seq => this.writing.delete(seq));
    }
    return groups.length;
  }

  private async writeAll(groups: PendingClaimChange[][]): Promise<void> {
    const prepared = await Promise.all(groups.map(g => this.prepare(g)));
    if (this.options.writer.batches) {
      await this.write(prepared);
    } else {
      for (const one of prepared) await this.write([one]);
    }
  }

  private async prepare(changes: PendingClaimChange[]): Promise<Prepared> {
    const newest = changes[changes.length - 1];
    const state = await this.options.services.getClaimState(newest.serviceId);
    // Gone, going, elsewhere or never known: no claim at this path.
    const present =
      state?.live &&
      state.record.status !== 'Deleting' &&
      claimFilePath(state.record.tenant, state.record.name) === newest.path;
    return {
      serviceId: newest.serviceId,
      changes,
      change: {
        path: newest.path,
        content: present ? claimManifestYaml(state.record) : null,
        // Only this database's claim may be changed or removed at its path.
        owner: newest.serviceId,
      },
      message: newest.message,
      topic: newest.topic,
      known: state !== undefined,
      ...(state?.live && state.record.status === 'Deleting'
        ? { deleting: state.record }
        : {}),
      ...(state?.record.gitops?.pullRequestUrl
        ? { previousProposal: state.record.gitops.pullRequestUrl }
        : {}),
    };
  }

  private async write(prepared: Prepared[]): Promise<void> {
    const message =
      prepared.length === 1
        ? prepared[0].message
        : [
            `Write the claims of ${prepared.length} databases`,
            '',
            ...prepared.map(p => `- ${subjectOf(p.message)}`),
            '',
            ...prepared.map(p => `Service-Id: ${p.serviceId}`),
          ].join('\n');
    let written: GitOpsWritten;
    try {
      written = await this.withDeadline(
        this.options.writer.write({
          changes: prepared.map(p => p.change),
          message,
          topic: prepared[0].topic,
        }),
      );
    } catch (error) {
      if (error instanceof ClaimOwnershipError && prepared.length > 1) {
        // One database's file is another's: write the others without it.
        const refused = prepared.filter(p => p.change.path === error.path);
        await this.failed(refused, error);
        await this.write(prepared.filter(p => p.change.path !== error.path));
        return;
      }
      await this.failed(prepared, error);
      return;
    }
    await this.recorded(prepared, written);
  }

  private async recorded(prepared: Prepared[], written: GitOpsWritten) {
    const { sha, commitUrl, pullRequestUrl } = written;
    const { services, timeline, outbox } = this.options;
    await services.recordCommits(
      prepared
        .filter(p => p.known)
        .map(p => ({
          id: p.serviceId,
          gitops: {
            path: p.change.path,
            commitSha: sha,
            ...(commitUrl ? { commitUrl } : {}),
            ...(pullRequestUrl ? { pullRequestUrl } : {}),
          },
        })),
      async tx => {
        for (const p of prepared.filter(one => one.known)) {
          const commit = p.change.content === null ? `removed in ${sha}` : sha;
          for (const change of p.changes) {
            const detail = change.purpose
              ? `${change.purpose} in ${commit}`
              : commit;
            await timeline.add(tx, {
              serviceId: p.serviceId,
              step: 'committed',
              generation: change.generation,
              detail: pullRequestUrl
                ? `${detail}, proposed in ${pullRequestUrl}${
                    p.deleting && this.options.confirmRemovals
                      ? `; no cluster confirms removals in this setup and the portal does not see the merge, so the database stays Deleting`
                      : ''
                  }`
                : detail,
            });
          }
        }
        await outbox.complete(
          tx,
          this.holder,
          prepared.flatMap(p => p.changes.map(c => c.seq)),
        );
      },
    );
    if (!pullRequestUrl) {
      // Paths are tenants/{slug}/{name}.yaml (claimFilePath).
      this.options.onCommitted?.(
        [...new Set(prepared.map(p => p.change.path.split('/')[1]))],
        sha,
      );
    }
    await this.supersede(prepared, pullRequestUrl);
    // Before the waiters hear: a delete answered after this finds its
    // database ended, as a page reloaded on the answer should.
    if (!pullRequestUrl) {
      await this.confirmRemovals(prepared, sha);
    }
    for (const p of prepared) {
      for (const change of p.changes) this.settle(change.seq, 'written');
    }
  }

  /** Ends the databases this commit removed, where nothing else would. */
  private async confirmRemovals(prepared: Prepared[], sha: string) {
    const { confirmRemovals, logger } = this.options;
    const removals = prepared.flatMap(p =>
      p.deleting && p.change.content === null
        ? [{ record: p.deleting, sha }]
        : [],
    );
    if (!confirmRemovals || removals.length === 0) return;
    try {
      await confirmRemovals(removals);
    } catch (error) {
      // The repository's next comparison (GitOpsReconciler) ends them.
      logger.error(
        `Could not record the end of ${removals
          .map(r => `database ${r.record.id}`)
          .join(', ')}, whose removal is committed in ${sha}`,
        toError(error),
      );
    }
  }

  /**
   * A database has one open proposal at a time: the newest, which proposes
   * its claim as it is now. Closing an older one is best effort; people can
   * close it too.
   */
  private async supersede(prepared: Prepared[], by: string | undefined) {
    const { writer, logger } = this.options;
    if (!writer.supersede) return;
    for (const p of prepared) {
      if (!p.previousProposal || p.previousProposal === by) continue;
      try {
        await this.withDeadline(writer.supersede(p.previousProposal, by));
      } catch (error) {
        logger.warn(
          `Could not close ${p.previousProposal}, which ${
            by ?? 'a newer change'
          } supersedes; close it by hand`,
          toError(error),
        );
      }
    }
  }

  private async failed(prepared: Prepared[], error: unknown) {
    const { logger, outbox } = this.options;
    const paths = prepared.map(p => p.change.path).join(', ');
    let reason: string;
    if (error instanceof ClaimOwnershipError) {
      logger.error(
        `Refused to change ${error.path} for database ${prepared[0].serviceId}: the file holds another database's claim`,
      );
      reason = error.message;
    } else {
      // The repository's own error (paths, hosts, the code host's answer)
      // goes to the log only.
      logger.error(`Could not write ${paths}`, toError(error));
      reason =
        error instanceof PullRequestError
          ? `${error.hostName} did not open the pull request for the claim${
              error.status ? ` (it answered ${error.status})` : ''
            }`
          : 'The GitOps repository did not take the claim';
    }
    const failures =
      1 + Math.max(...prepared.flatMap(p => p.changes.map(c => c.attempts)));
    await outbox.retryLater(
      this.holder,
      prepared.flatMap(p => p.changes.map(c => c.seq)),
      `${reason}: ${toError(error).message}`,
      // Jittered, so replicas that failed together do not retry in step.
      new Date(
        Date.now() +
          backoffDelay(failures, {
            initialMs: this.retryBaseMs,
            maxMs: this.retryMaxMs,
          }),
      ),
    );
    for (const p of prepared) {
      for (const change of p.changes)
        this.settle(change.seq, 'waiting', reason);
    }
  }

  private settle(seq: number, state: 'written' | 'waiting', reason?: string) {
    for (const resolve of this.waiters.get(seq) ?? []) {
      resolve(state === 'written' ? { state } : { state, reason });
    }
  }

  private async withDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `The GitOps repository did not answer within ${
                this.timeoutMs / 1000
              } s`,
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      // A write abandoned at its deadline may still land; it is tried again
      // and, rendered from the same row, finds the repository as asked.
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
