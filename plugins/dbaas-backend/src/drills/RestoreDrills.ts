import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, toError } from '@backstage/errors';
import {
  engineBackups,
  backupRetention,
  restoreDrillsOn,
  restoredServiceName,
  retentionMs,
  runnableClaimSpecSchema,
  type RestoreDrill,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import type { BackupStore } from '../database/BackupStore';
import type {
  RestoreDrillRecord,
  RestoreDrillStore,
} from '../database/RestoreDrillStore';
import type { ServiceRecord, ServiceStore } from '../database/ServiceStore';
import type { TimelineStore } from '../database/TimelineStore';
import type { DatabaseLifecycle } from '../lifecycle/DatabaseLifecycle';
import type { Caller } from '../router/requestContext';
import { restoredSpec } from '../router/claimSpecs';
import { restoreView } from '../router/restoreViews';

/** What the platform allows drills (`dbaas.restoreDrills`). */
export type DrillPolicy = {
  /** How often each database is drilled. */
  intervalMs: number;
  /** How long a scratch database may take to be ready before its drill fails. */
  timeoutMs: number;
  /** The platform's budget: how many drills run at once, over all tenants. */
  maxRunning: number;
};

/** What a drill tells people: its outcome, for metrics and the owning team. */
export interface DrillReporter {
  finished(source: ServiceRecord, drill: RestoreDrillRecord): Promise<void>;
}

const PAGE = 500;
/** The least time between two drills of a database asked for by people. */
const MANUAL_GAP_MS = 3_600_000;

/**
 * Restore drills: now and then, each database whose drills are on
 * (restoreDrillsOn) and whose engine restores has its latest restorable
 * backup restored into a scratch database in its primary PoP, through the
 * same path as any restore (DatabaseLifecycle.restore: audit, GitOps, the
 * operator's restore). Once the scratch database was Active the drill passed,
 * with its RTO (start until ready, from the scratch database's timeline) and
 * RPO (the backup's age at the start); a scratch database that fails, goes,
 * or is not ready within the timeout fails the drill. Either way the scratch
 * database is deleted, without a final backup (its backups are off).
 *
 * Scratch databases are outside their tenant's quota (the `drill` mark) and
 * within the platform's budget, `maxRunning` drills at once. A database with
 * no restorable backup once it is a whole interval old fails its drill:
 * that is what drills are for.
 */
export class RestoreDrills {
  constructor(
    private readonly deps: {
      services: ServiceStore;
      backups: BackupStore;
      drills: RestoreDrillStore;
      timeline: TimelineStore;
      lifecycle: DatabaseLifecycle;
      reporter: DrillReporter;
      policy: DrillPolicy;
      /** Whom drills on the schedule are recorded as. */
      scheduleCaller: Caller;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** A drill of one database now, at a person's request. */
  async runNow(source: ServiceRecord, caller: Caller): Promise<RestoreDrill> {
    const capability = engineBackups[source.spec.engine].restore;
    if (!capability.available) {
      throw new ConflictError(
        `Database ${source.name} cannot be drilled: ${capability.reason}`,
      );
    }
    if (source.drill) {
      throw new ConflictError(
        `Database ${source.name} is a restore drill's scratch database`,
      );
    }
    // Scratch databases are outside the tenant's quota: one drill an hour per
    // database keeps a tenant from holding the platform's budget.
    const last = (await this.deps.drills.latestStarts([source.id])).get(
      source.id,
    );
    if (last && this.now().getTime() - last.getTime() < MANUAL_GAP_MS) {
      throw new ConflictError(
        `Database ${
          source.name
        } had a restore drill at ${last.toISOString()}; the next may start an hour after it`,
      );
    }
    const running = await this.deps.drills.running();
    if (running.some(drill => drill.serviceId === source.id)) {
      throw new ConflictError(
        `A restore drill of database ${source.name} is running already`,
      );
    }
    if (running.length >= this.deps.policy.maxRunning) {
      throw new ConflictError(
        `The platform runs at most ${this.deps.policy.maxRunning} restore drills at once; try again once one has finished`,
      );
    }
    return this.view(await this.begin(source, caller));
  }

  /** The drills of a database, newest first, as the API shows them. */
  async list(serviceId: string): Promise<RestoreDrill[]> {
    const drills = await this.deps.drills.list(serviceId);
    return Promise.all(drills.map(drill => this.view(drill)));
  }

  /** The restores a database's drills made (their scratch databases'). */
  async restoresOf(serviceId: string): Promise<Set<string>> {
    const drills = await this.deps.drills.list(serviceId);
    return new Set(drills.flatMap(drill => drill.restoreId ?? []));
  }

  /** One pass of the schedule: follow running drills, then start due ones. */
  async tick(): Promise<void> {
    for (const drill of await this.deps.drills.running()) {
      try {
        await this.follow(drill);
      } catch (error) {
        this.deps.logger.error(
          `Could not follow restore drill ${drill.id}`,
          toError(error),
        );
      }
    }
    let budget =
      this.deps.policy.maxRunning - (await this.deps.drills.running()).length;
    for await (const source of this.due()) {
      if (budget <= 0) break;
      try {
        const drill = await this.begin(source, this.deps.scheduleCaller);
        if (drill.status === 'running') budget -= 1;
      } catch (error) {
        this.deps.logger.error(
          `Could not start a restore drill of database ${source.id}`,
          toError(error),
        );
      }
    }
  }

  /** Live databases whose drill is due, a page at a time. */
  private async *due(): AsyncGenerator<ServiceRecord> {
    const now = this.now().getTime();
    const { intervalMs } = this.deps.policy;
    const running = new Set(
      (await this.deps.drills.running()).map(drill => drill.serviceId),
    );
    let after: string | undefined;
    for (;;) {
      const page = await this.deps.services.listLive(after, PAGE);
      if (page.length === 0) return;
      after = page[page.length - 1].id;
      const candidates = page.filter(
        record =>
          !record.drill &&
          record.status === 'Active' &&
          restoreDrillsOn(record.spec) &&
          engineBackups[record.spec.engine].restore.available &&
          !running.has(record.id),
      );
      const latest = await this.deps.drills.latestStarts(
        candidates.map(record => record.id),
      );
      for (const record of candidates) {
        const last = latest.get(record.id);
        if (last) {
          if (now - last.getTime() >= intervalMs) yield record;
        } else if (
          now - new Date(record.createdAt).getTime() >= intervalMs ||
          (await this.restorable(record))
        ) {
          // Never drilled: as soon as there is a backup to restore, or once
          // it has been an interval without one.
          yield record;
        }
      }
    }
  }

  /** The latest backup inside the source's retention that can be restored. */
  private restorable(source: ServiceRecord) {
    const retention = backupRetention(source.spec);
    const oldest = new Date(this.now().getTime() - retentionMs(retention));
    return this.deps.backups.latestRestorable(source.id, oldest);
  }

  /** Starts a drill: the scratch database, or the failure to make one. */
  private async begin(
    source: ServiceRecord,
    caller: Caller,
  ): Promise<RestoreDrillRecord> {
    const { drills, lifecycle, reporter } = this.deps;
    const startedAt = this.now();
    const latest = await this.restorable(source);
    if (!latest) {
      const failed = await drills.record({
        serviceId: source.id,
        startedAt,
        requestedBy: caller.actor,
        failed: `No restorable backup within the ${backupRetention(
          source.spec,
        )} retention: nothing could be restored`,
      });
      await reporter.finished(source, failed);
      return failed;
    }
    const rpoSeconds = Math.max(
      0,
      Math.round(
        (startedAt.getTime() - new Date(latest.backup.completedAt!).getTime()) /
          1000,
      ),
    );
    const { restore } = await lifecycle.restore({ caller }, source, {
      name: restoredServiceName(source.name, startedAt, 'drill'),
      spec: scratchSpec(source, latest.engineBackupId),
      backup: latest.backup,
      drill: true,
    });
    return drills.record({
      serviceId: source.id,
      backupId: latest.backup.id,
      restoreId: restore.id,
      startedAt,
      rpoSeconds,
      requestedBy: caller.actor,
    });
  }

  /** Ends a running drill once its scratch database was ready, or was not. */
  private async follow(drill: RestoreDrillRecord): Promise<void> {
    const { services, backups, drills, timeline, reporter } = this.deps;
    const restore = drill.restoreId
      ? await backups.getRestore(drill.serviceId, drill.restoreId)
      : undefined;
    const now = this.now();
    let outcome:
      | { status: 'passed'; rtoSeconds: number }
      | { status: 'failed'; message: string }
      | undefined;
    if (!restore?.targetServiceId) {
      outcome = { status: 'failed', message: 'Its restore is gone' };
    } else {
      const view = await restoreView({ services, timeline }, restore);
      if (view.status === 'completed') {
        const steps = await timeline.list(restore.targetServiceId);
        const ready = steps.find(step => step.step === 'active');
        const readyAt = ready ? new Date(ready.at) : now;
        outcome = {
          status: 'passed',
          rtoSeconds: Math.max(
            0,
            Math.round(
              (readyAt.getTime() - new Date(drill.startedAt).getTime()) / 1000,
            ),
          ),
        };
      } else if (view.status === 'failed') {
        outcome = {
          status: 'failed',
          message: `The scratch database failed: ${view.message}`,
        };
      } else if (
        now.getTime() - new Date(drill.startedAt).getTime() >
        this.deps.policy.timeoutMs
      ) {
        outcome = {
          status: 'failed',
          message: `The scratch database was not ready within ${Math.round(
            this.deps.policy.timeoutMs / 60_000,
          )} minutes`,
        };
      }
    }
    if (!outcome) return;
    if (restore?.targetServiceId) {
      await this.dropScratch(restore.targetServiceId);
    }
    const ended = await drills.finish(drill.id, {
      ...outcome,
      finishedAt: now,
    });
    if (!ended) return;
    const source = await services.getClaimState(drill.serviceId);
    const finished = await drills.get(drill.id);
    if (source && finished) await reporter.finished(source.record, finished);
  }

  /** Deletes a scratch database still there (none of its backups are kept). */
  private async dropScratch(id: string): Promise<void> {
    const scratch = await this.deps.services.getService(id);
    if (!scratch || scratch.status === 'Deleting') return;
    await this.deps.lifecycle.delete(
      { caller: this.deps.scheduleCaller },
      scratch,
    );
  }

  /** A drill as the API shows it: with its scratch database's name. */
  private async view(drill: RestoreDrillRecord): Promise<RestoreDrill> {
    if (!drill.restoreId) return drill;
    const restore = await this.deps.backups.getRestore(
      drill.serviceId,
      drill.restoreId,
    );
    const scratch = restore?.targetServiceId
      ? await this.deps.services.getClaimState(restore.targetServiceId)
      : undefined;
    return scratch ? { ...drill, scratchName: scratch.record.name } : drill;
  }
}

/**
 * The scratch database's spec: the source's configuration in its primary
 * region only (the drill measures the restore there), with its backups off
 * (no archive of its own, no final backup when it goes) and no drills of its
 * own. Checked with the rules the operator applies, not today's offer: a
 * global source's scratch is one region, which the global plan would refuse
 * to sell.
 */
export function scratchSpec(
  source: ServiceRecord,
  engineBackupId: string,
): ServiceClaimSpec {
  const spec = restoredSpec(source, { backup: engineBackupId });
  return runnableClaimSpecSchema.parse({
    ...spec,
    replication: { ...spec.replication, regions: [spec.region] },
    backup: { enabled: false, drills: false },
  });
}
