import type { Backup, Restore } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { InTransaction } from './ServiceStore';

/** Backups and restores of databases. */
export interface BackupStore {
  /**
   * Records a pending backup. Throws QuotaExceededError when the tenant already
   * keeps as many backups as its quota allows.
   */
  createBackup(
    input: {
      serviceId: string;
      tenant: string;
      type: Backup['type'];
      description?: string;
      createdBy: string;
    },
    inTransaction?: InTransaction<Backup>,
    /** Join this transaction instead of opening one (a decommission's final backup). */
    outer?: Knex.Transaction,
  ): Promise<Backup>;
  listBackups(serviceId: string): Promise<Backup[]>;
  getBackup(serviceId: string, backupId: string): Promise<Backup | undefined>;
  /** What the cluster reports about a backup (the provisioner's side). */
  updateBackup(
    backupId: string,
    report: Pick<Backup, 'status'> &
      Partial<Pick<Backup, 'sizeBytes' | 'startedAt' | 'completedAt'>>,
  ): Promise<void>;
  /**
   * How many backups count against the tenant's quota: requested ones that did
   * not fail and are within their database's retention.
   */
  countBackups(tenant: string): Promise<number>;
  /** countBackups of each tenant, in their order, in one statement. */
  countBackupsOf(tenants: string[]): Promise<number[]>;
  createRestore(
    input: {
      serviceId: string;
      backupId: string;
      pointInTime?: string;
      createdBy: string;
    },
    inTransaction?: InTransaction<Restore>,
  ): Promise<Restore>;
}
