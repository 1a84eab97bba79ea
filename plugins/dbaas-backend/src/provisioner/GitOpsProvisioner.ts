import {
  claimFilePath,
  type Backup,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type {
  ClaimChange,
  GitOpsOutboxStore,
} from '../database/GitOpsOutboxStore';
import type { ServiceRecord, ServiceStore } from '../database/ServiceStore';
import { ClaimOwnershipError, claimServiceId } from '../gitops/claimOwnership';
import type { GitOpsPublisher } from '../gitops/GitOpsPublisher';
import type { GitOpsRepository } from '../gitops/GitOpsRepository';
import type { HandOver, ServiceProvisioner } from './ServiceProvisioner';

/**
 * Hands claims to the clusters through the GitOps repository: a create or change
 * writes `tenants/{tenant}/{name}.yaml`, a decommission its removal (the
 * operator's finalizer takes the final backup before the engine resources go),
 * committed to the branch Argo CD syncs or proposed as a pull request into it,
 * as the writer is configured.
 *
 * Inside the transaction that records a change it only records the hand-over
 * in the GitOps outbox; the publisher writes the repository once the
 * transaction has committed (docs/architecture.md, "A request's path"). The
 * commit, its links and the `committed` step are recorded when it is written.
 * In pull request mode `committed` means proposed: the change reaches the
 * clusters when someone merges the request, and the status watch records
 * `synced` when a cluster has the claim.
 */
export class GitOpsProvisioner implements ServiceProvisioner {
  constructor(
    private readonly outbox: GitOpsOutboxStore,
    private readonly services: ServiceStore,
    private readonly publisher: GitOpsPublisher,
    private readonly repository: Pick<GitOpsRepository, 'readFile'>,
  ) {}

  async checkOwnership(claim: {
    id?: string;
    tenant: string;
    name: string;
  }): Promise<void> {
    const path = claimFilePath(claim.tenant, claim.name);
    // A repository that cannot be read now does not stop the change: it is
    // recorded and waits, and the publisher checks again when it writes.
    const content = await this.repository.readFile(path).catch(() => undefined);
    if (content !== undefined && claimServiceId(content) !== claim.id) {
      throw new ClaimOwnershipError(path);
    }
  }

  async apply(claim: ServiceRecord, tx: Knex.Transaction): Promise<HandOver> {
    const verb = claim.generation === 1 ? 'Create' : 'Update';
    return this.record(tx, claim, {
      kind: 'apply',
      message: `${verb} database ${claim.name} of ${claim.tenant} (generation ${claim.generation})`,
      step: `g${claim.generation}`,
    });
  }

  async remove(claim: ServiceRecord, tx: Knex.Transaction): Promise<HandOver> {
    return this.record(tx, claim, {
      kind: 'remove',
      message: `Decommission database ${claim.name} of ${claim.tenant}`,
      step: 'decommission',
    });
  }

  /**
   * A manual backup is committed as the claim again, annotated with the
   * backup's id (`dbaas.io/backup-request`); the operator takes the engine's
   * on-demand backup for an id it has not acted on and reports it back under
   * that id. The id is kept on the database's row, so every later commit of
   * the claim carries it and no apply reads as a withdrawn request.
   *
   * A final backup is not committed: the claim's removal follows in the same
   * transaction, and the operator's finalizer takes the final backup itself.
   */
  async requestBackup(
    claim: ServiceRecord,
    backup: Backup,
    tx: Knex.Transaction,
  ): Promise<HandOver> {
    if (backup.type !== 'manual') return undefined;
    const requested = await this.services.setBackupRequest(
      tx,
      claim.id,
      backup.id,
    );
    return this.record(tx, requested, {
      kind: 'backup',
      message: `Back up database ${requested.name} of ${requested.tenant} (backup ${backup.id})`,
      step: `backup-${backup.id}`,
      purpose: `backup ${backup.id} requested`,
    });
  }

  async commitPrimaryBackup(
    claim: ServiceRecord,
    tx: Knex.Transaction,
  ): Promise<HandOver> {
    return this.record(tx, claim, {
      kind: 'backup',
      message: `Start the replica regions of database ${claim.name} of ${claim.tenant} from the primary's backup ${claim.primaryBackup}`,
      step: 'primary-backup',
      purpose: "replica regions started from the primary's backup",
    });
  }

  async handedOver(handOver: HandOver): Promise<void> {
    if (handOver) await this.publisher.handedOver(handOver.seq);
  }

  private async record(
    tx: Knex.Transaction,
    claim: ServiceRecord,
    change: Pick<ClaimChange, 'kind' | 'message' | 'purpose'> & {
      step: string;
    },
  ): Promise<HandOver> {
    const path = claimFilePath(claim.tenant, claim.name);
    const tenantFolder = path.split('/')[1];
    const seq = await this.outbox.add(tx, {
      serviceId: claim.id,
      path,
      kind: change.kind,
      generation: claim.generation,
      message: `${change.message}\n\nService-Id: ${claim.id}`,
      topic: `dbaas/${tenantFolder}/${claim.name}/${change.step}`,
      ...(change.purpose ? { purpose: change.purpose } : {}),
    });
    return { seq };
  }
}
