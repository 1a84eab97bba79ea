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
  /** The database's backups that have not expired, newest first. */
  listBackups(serviceId: string): Promise<Backup[]>;
  /** A backup by id, expired or not (a restore says why it cannot be). */
  getBackup(serviceId: string, backupId: string): Promise<Backup | undefined>;
  /**
   * The engine's own id of a completed backup (what a restore names), once a
   * cluster reported it.
   */
  engineBackupIdOf(backupId: string): Promise<string | undefined>;
  /**
   * The database's latest completed backup that ended at `since` or later
   * and whose engine id is known: what a restore drill restores.
   */
  latestRestorable(
    serviceId: string,
    since: Date,
  ): Promise<{ backup: Backup; engineBackupId: string } | undefined>;
  /**
   * How many backups count against the tenant's quota: requested ones that did
   * not fail and have not expired.
   */
  countBackups(tenant: string): Promise<number>;
  /** countBackups of each tenant, in their order, in one statement. */
  countBackupsOf(tenants: string[]): Promise<number[]>;
  /**
   * Moves the expiry of the database's backups still kept to its new
   * `retention`, in the transaction that changes it.
   */
  retain(
    tx: Knex.Transaction,
    serviceId: string,
    retention: string,
  ): Promise<void>;
  /**
   * Records the restore of a backup into a new database, in the transaction
   * that records the new database (DatabaseLifecycle.restore).
   */
  createRestore(
    tx: Knex.Transaction,
    input: {
      serviceId: string;
      backupId: string;
      pointInTime?: string;
      targetServiceId: string;
      createdBy: string;
    },
  ): Promise<RestoreRecord>;
  /** The restores of a database's backups, newest first. */
  listRestores(serviceId: string): Promise<RestoreRecord[]>;
  getRestore(
    serviceId: string,
    restoreId: string,
  ): Promise<RestoreRecord | undefined>;
  /** The restore a database was made by, if it was. */
  restoreInto(targetServiceId: string): Promise<RestoreRecord | undefined>;
}

/**
 * A restore as recorded. How far it got is its new database's business
 * (router/restoreViews), except for restores that made none.
 */
export type RestoreRecord = {
  id: string;
  serviceId: string;
  backupId: string;
  pointInTime?: string;
  /** Absent on restores requested before restores were built. */
  targetServiceId?: string;
  status: Restore['status'];
  message?: string;
  createdBy: string;
  createdAt: string;
};
