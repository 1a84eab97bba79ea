import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  claimFilePath,
  claimManifestYaml,
} from '@internal/backstage-plugin-dbaas-common';
import type {
  ClaimChange,
  GitOpsOutboxStore,
} from '../database/GitOpsOutboxStore';
import type { ServiceStore } from '../database/ServiceStore';
import { claimServiceId } from './claimOwnership';
import type { CommittedRemoval, ConfirmRemovals } from './ConfirmRemovals';
import { GitOpsRepository } from './GitOpsRepository';

const PAGE = 1000;

/**
 * Compares the GitOps repository with the databases the portal records, and
 * repairs the repository where they differ: a live database whose claim is
 * missing or differs from its row is written again, and a claim of a database
 * that is gone or being deleted is removed. The database is the record of
 * what tenants asked for; the repository is what the clusters get. A claim
 * of a database the portal has no record of at all is reported, not removed:
 * the portal's database may be the older side (restored from a backup), and
 * a removal decommissions a database.
 *
 * Repairs go through the GitOps outbox like any change, so the publisher
 * writes them in order with the database's own changes; a database with a
 * change waiting is left to that change. Files in the tenants' folders that
 * are not the portal's claims (no `dbaas.io/service-id` label) are left as
 * people wrote them. Commit mode only: in pull request mode the branch lags
 * the proposals by design, and a difference is people's to merge.
 *
 * Where no cluster is watched (`confirmRemovals`), a database being deleted
 * whose claim is gone from the branch and has no change waiting is ended
 * here: its removal is committed, and the publisher's own ending of it did
 * not happen (a failure, or a delete from before the portal did this).
 */
export class GitOpsReconciler {
  constructor(
    private readonly options: {
      repository: Pick<GitOpsRepository, 'claimFiles' | 'readFile'>;
      outbox: GitOpsOutboxStore;
      services: ServiceStore;
      logger: LoggerService;
      /** Set where the portal watches no cluster: nothing else confirms a removal. */
      confirmRemovals?: ConfirmRemovals;
    },
  ) {}

  /** Compares once; returns the repairs it recorded. */
  async reconcile(): Promise<ClaimChange[]> {
    const { repository, outbox, services, logger } = this.options;
    const files = await repository.claimFiles();
    const waiting = await outbox.pendingServiceIds();
    const compared = new Set<string>();
    const repairs: ClaimChange[] = [];
    const unknown: string[] = [];
    const removed: CommittedRemoval[] = [];

    let after: string | undefined;
    for (;;) {
      const page = await services.listLive(after, PAGE);
      for (const record of page) {
        const path = claimFilePath(record.tenant, record.name);
        if (waiting.has(record.id)) {
          compared.add(path);
          continue;
        }
        const found = files.get(path);
        // Compared here, whatever it should hold: the files left over below
        // are those no live database explains.
        compared.add(path);
        if (record.status === 'Deleting') {
          if (found !== undefined) {
            repairs.push({
              serviceId: record.id,
              path,
              kind: 'remove',
              generation: record.generation,
              message: `Decommission database ${record.name} of ${record.tenant}\n\nThe repository still had the claim of a database being deleted.\n\nService-Id: ${record.id}`,
              topic: `dbaas/repair/${record.id}`,
              purpose: 'repair',
            });
          } else if (record.gitops) {
            removed.push({ record, sha: record.gitops.commitSha });
          }
          continue;
        }
        const want = await GitOpsRepository.blobId(claimManifestYaml(record));
        if (found !== want) {
          repairs.push({
            serviceId: record.id,
            path,
            kind: 'apply',
            generation: record.generation,
            message: `Repair database ${record.name} of ${
              record.tenant
            } (generation ${record.generation})\n\nThe repository ${
              found === undefined ? 'had no claim for it' : 'differed from it'
            }.\n\nService-Id: ${record.id}`,
            topic: `dbaas/repair/${record.id}`,
            purpose: 'repair',
          });
        }
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1].id;
    }

    for (const path of files.keys()) {
      if (compared.has(path) || !path.endsWith('.yaml')) continue;
      const content = await repository.readFile(path);
      const id = content === undefined ? undefined : claimServiceId(content);
      // Not the portal's claim, or one whose change is on its way.
      if (id === undefined || waiting.has(id)) continue;
      const state = await services.getClaimState(id);
      if (!state) {
        // A claim of a database the portal never recorded: the portal's
        // database may be older than the repository (restored from a
        // backup), and removing the claim would decommission a database
        // someone uses. People decide.
        unknown.push(`${path} (database ${id})`);
        continue;
      }
      if (
        state.live &&
        state.record.status !== 'Deleting' &&
        claimFilePath(state.record.tenant, state.record.name) === path
      ) {
        continue; // Created since the databases were listed.
      }
      repairs.push({
        serviceId: id,
        path,
        kind: 'remove',
        generation: state.record.generation,
        message: `Remove the claim of database ${id}\n\n${path} holds the claim of a database that is ${
          state.live ? 'elsewhere or being deleted' : 'gone'
        }.\n\nService-Id: ${id}`,
        topic: `dbaas/repair/${id}`,
        purpose: 'repair',
      });
    }

    if (unknown.length > 0) {
      logger.warn(
        `The GitOps repository holds claims of databases the portal has no record of; they are left as they are, remove or keep them by hand: ${unknown.join(
          ', ',
        )}`,
      );
    }
    if (repairs.length > 0) {
      await outbox.addAll(repairs);
      logger.warn(
        `The GitOps repository differed from the portal's databases; repairing ${repairs
          .map(r => `${r.path} (${r.kind})`)
          .join(', ')}`,
      );
    }
    if (removed.length > 0 && this.options.confirmRemovals) {
      // A delete requested since `waiting` was read has its removal waiting
      // now; one whose removal is no longer waiting has it committed.
      const stillWaiting = await outbox.pendingServiceIds();
      const ended = removed.filter(r => !stillWaiting.has(r.record.id));
      if (ended.length > 0) await this.options.confirmRemovals(ended);
    }
    return repairs;
  }
}
