import type { Backup, Restore } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { ServiceRecord } from '../database/ServiceStore';

/**
 * Where recorded changes go to become real: the GitOps provisioner commits claims
 * to the GitOps repository. Each call runs inside the transaction that records
 * the change, as its last step, so a hand-over that fails undoes the change; the
 * transaction is passed for provisioners that keep their own state in it.
 */
export interface ServiceProvisioner {
  /** A new claim, or a claim whose spec changed (a new generation). */
  apply(claim: ServiceRecord, tx: Knex.Transaction): Promise<void>;
  /** A claim to decommission; its final backup (when enabled) is already requested. */
  remove(claim: ServiceRecord, tx: Knex.Transaction): Promise<void>;
  requestBackup(
    claim: ServiceRecord,
    backup: Backup,
    tx: Knex.Transaction,
  ): Promise<void>;
  requestRestore(
    claim: ServiceRecord,
    restore: Restore,
    tx: Knex.Transaction,
  ): Promise<void>;
}

/**
 * The provisioner until one that reaches clusters is configured: changes are
 * recorded and stay Pending. It hands nothing anywhere, by design, and says so.
 */
export class RecordOnlyProvisioner implements ServiceProvisioner {
  async apply() {}
  async remove() {}
  async requestBackup() {}
  async requestRestore() {}
}
