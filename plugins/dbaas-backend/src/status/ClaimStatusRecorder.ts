import { replicasStartFromPrimaryBackup } from '@internal/backstage-plugin-dbaas-common';
import type { BackupStore } from '../database/BackupStore';
import type {
  ClaimEvent,
  ReportOutcomes,
  ServiceRecord,
  ServiceStore,
} from '../database/ServiceStore';
import type { ServiceProvisioner } from '../provisioner/ServiceProvisioner';

export type { ClaimEvent };

/**
 * Turns what the clusters report about claims into the database's status,
 * timeline and backups (the service store records it, see
 * DatabaseServiceStore.recordClusterReport).
 *
 * A claim speaks for a database only from where the portal put it: the
 * namespace of the database's tenant, under the database's name. Anyone who
 * can write a ServiceClaim elsewhere in a cluster can copy a database's
 * `dbaas.io/service-id` label; what such a claim says (status, connection
 * host, backups, its deletion) is ignored.
 */
export class ClaimStatusRecorder {
  private provisioner?: ServiceProvisioner;

  constructor(
    private readonly services: ServiceStore,
    private readonly backups?: Pick<BackupStore, 'latestRestorable'>,
    /** Hears what each recorded report finished (sliMetrics). */
    private readonly outcomes?: (outcomes: ReportOutcomes) => void,
  ) {}

  /**
   * Where the primary's first backup of a multi-region database is committed
   * (replicasStartFromPrimaryBackup); set once the provisioner exists, which
   * itself needs the status watch.
   */
  commitPrimaryBackupsWith(provisioner: ServiceProvisioner): void {
    this.provisioner = provisioner;
  }

  /**
   * Records the event (`watched`: the clusters the portal watches); resolves
   * to the database as it is now when anything a user would see changed, else
   * undefined.
   */
  async record(
    event: ClaimEvent,
    watched?: string[],
  ): Promise<ServiceRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(event.serviceId)) {
      return undefined;
    }
    const changed = await this.services.recordClusterReport(
      event,
      watched,
      this.outcomes,
    );
    if (changed) await this.startReplicas(changed);
    return changed;
  }

  /**
   * Once the primary of a database whose other regions start from its
   * backups has a completed one, commits it in the claim (once): the
   * operators of those regions wait for it before they make their replicas.
   */
  private async startReplicas(record: ServiceRecord): Promise<void> {
    const { provisioner, backups } = this;
    if (
      !provisioner ||
      !backups ||
      record.primaryBackup ||
      record.status === 'Deleting' ||
      !replicasStartFromPrimaryBackup(record.spec)
    ) {
      return;
    }
    const latest = await backups.latestRestorable(record.id, new Date(0));
    if (!latest) return;
    let handOver: Awaited<
      ReturnType<ServiceProvisioner['commitPrimaryBackup']>
    >;
    await this.services.setPrimaryBackup(
      record.id,
      latest.engineBackupId,
      async (tx, recorded) => {
        handOver = await provisioner.commitPrimaryBackup(recorded, tx);
      },
    );
    await provisioner.handedOver(handOver);
  }
}
