import type { LoggerService } from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import { sleep } from '@internal/backstage-plugin-dbaas-node';
import { TENANT_PROJECT_PREFIX } from '../gitops/gitopsLayout';
import {
  LAYOUT_APPLICATION,
  TENANTS_APPLICATION_SET,
  type ArgoCdClient,
} from './ArgoCdClient';

/**
 * Asks Argo CD to look at the GitOps repository now rather than at its next
 * poll (every 3 minutes by default), after the portal committed to the branch
 * Argo CD syncs: the Application of `argocd/` (a new tenant's project), the
 * tenants' ApplicationSet, whose git generator finds a new tenant's folder
 * only when it runs, and the Applications of the tenants the commit changed.
 *
 * Best effort: the commit never waits for it, and a failure is only logged;
 * the poll still picks the commit up.
 */
export class ArgoCdRefresher {
  private readonly inFlight = new Set<Promise<void>>();

  private readonly stopping = new AbortController();

  constructor(
    private readonly client: ArgoCdClient,
    private readonly logger: LoggerService,
    /** How long to wait for a new tenant's project before refreshing anyway. */
    private readonly projectWaitMs = 60_000,
    /** How often, and how many times, a refresh Argo CD did not act on is asked again. */
    private readonly followUpMs = 30_000,
    private readonly followUps = 4,
  ) {}

  /** Stops asking again, and resolves once the refreshes in flight are done. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.settled();
  }

  /**
   * Refreshes, in the background, for one commit (`sha`) that changed these
   * tenants' folders.
   */
  refresh(tenants: Iterable<string>, sha?: string): void {
    const unique = [...new Set(tenants)];
    if (unique.length === 0) return;
    const run = this.run(unique, sha).finally(() => this.inFlight.delete(run));
    this.inFlight.add(run);
  }

  /** Resolves once the refreshes asked for so far are done (or failed). */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * Waits, up to `projectWaitMs`, until Argo CD has every tenant's project.
   * Gives up quietly: the poll remains, and a failure to read is logged.
   */
  private async projectsSynced(tenants: string[]): Promise<void> {
    const deadline = Date.now() + this.projectWaitMs;
    let waiting = tenants.map(tenant => `${TENANT_PROJECT_PREFIX}${tenant}`);
    try {
      while (waiting.length > 0) {
        const present = await Promise.all(
          waiting.map(name => this.client.hasProject(name)),
        );
        waiting = waiting.filter((_, i) => !present[i]);
        if (waiting.length === 0 || Date.now() >= deadline) break;
        await sleep(500, this.stopping.signal);
        if (this.stopping.signal.aborted) return;
      }
    } catch (error) {
      this.logger.warn(
        `Could not read the tenants' Argo CD projects in ${this.client.namespace}`,
        toError(error),
      );
      return;
    }
    if (waiting.length > 0) {
      this.logger.info(
        `Argo CD has not synced projects ${waiting.join(', ')} within ${
          this.projectWaitMs / 1000
        } s; their tenants' Applications appear at the ApplicationSet's next poll`,
      );
    }
  }

  private async run(tenants: string[], sha?: string): Promise<void> {
    const { client, logger } = this;
    // First what syncs argocd/: a new tenant's project is there, and its
    // Applications are refused until it exists.
    try {
      await client.refreshApplication(LAYOUT_APPLICATION);
    } catch (error) {
      logger.warn(
        `Could not ask Argo CD to refresh Application ${LAYOUT_APPLICATION} in ${client.namespace}; it syncs argocd/ at its next poll`,
        toError(error),
      );
    }
    // The ApplicationSet controller skips an Application whose project does
    // not exist yet and looks again only at its next poll (3 minutes), without
    // watching projects: so it runs once each new tenant's project is there.
    await this.projectsSynced(tenants);
    try {
      await client.refreshApplicationSet(TENANTS_APPLICATION_SET);
    } catch (error) {
      logger.warn(
        `Could not ask Argo CD to refresh ApplicationSet ${TENANTS_APPLICATION_SET} in ${client.namespace}; it finds new tenants at its next poll`,
        toError(error),
      );
    }
    await Promise.all(tenants.map(tenant => this.refreshTenant(tenant, sha)));
  }

  /**
   * Refreshes the tenant's Applications, then makes sure Argo CD acted on it:
   * an Application still on the revision it had before, or on the commit
   * (`sha`) but not synced to it, is asked again every `followUpMs`, up to
   * `followUps` times. One on another revision has moved past the commit, and
   * that commit's own refresh follows it. A refresh can be lost: an
   * application-controller that restarts mid-sync finishes the operation it
   * had begun, on the old revision, and would look again only at its next
   * reconciliation, 2 to 3 minutes later; and one that restarts after it
   * compared the commit leaves its sync unfinished that long (it resumes an
   * operation when the Application changes, as a refresh changes it).
   */
  private async refreshTenant(tenant: string, sha?: string): Promise<void> {
    const { client, logger } = this;
    try {
      const before = new Map(
        (await client.tenantApplications(tenant)).map(app => [
          app.name,
          app.revision,
        ]),
      );
      let asked = [...before.keys()];
      for (let round = 0; asked.length > 0; round++) {
        for (const name of asked) await client.refreshApplication(name);
        if (round === this.followUps) break;
        await sleep(this.followUpMs, this.stopping.signal);
        if (this.stopping.signal.aborted) return;
        asked = (await client.tenantApplications(tenant))
          .filter(app => before.has(app.name))
          .filter(
            app =>
              app.revision === before.get(app.name) ||
              (sha !== undefined && app.revision === sha && !app.synced),
          )
          .map(app => app.name);
      }
    } catch (error) {
      logger.warn(
        `Could not ask Argo CD to refresh the Applications of tenant ${tenant}; they sync at Argo CD's next poll`,
        toError(error),
      );
    }
  }
}
