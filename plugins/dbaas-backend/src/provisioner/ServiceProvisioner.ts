import type { Backup } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { ServiceRecord } from '../database/ServiceStore';

/**
 * A change handed over inside a transaction, to be followed after the commit
 * (`handedOver`); undefined when there is nothing to follow.
 */
export type HandOver = { seq: number } | undefined;

/**
 * Where recorded changes go to become real: the GitOps provisioner commits claims
 * to the GitOps repository. Each hand-over runs inside the transaction that
 * records the change and does no network I/O there: it records what is to be
 * done, and the work happens after the commit. `handedOver` waits, briefly,
 * for that work, so an answer can show where the change went.
 */
export interface ServiceProvisioner {
  /**
   * Before a change is recorded: refuses it (ClaimOwnershipError, a 409) when
   * the claim's place already holds another database's claim, or a file
   * people wrote. `id` is the database's, absent for a new one. The
   * publisher checks again when it writes; this is so that the caller hears
   * of it, and nothing is recorded.
   */
  checkOwnership(claim: {
    id?: string;
    tenant: string;
    name: string;
  }): Promise<void>;
  /** A new claim, or a claim whose spec changed (a new generation). */
  apply(claim: ServiceRecord, tx: Knex.Transaction): Promise<HandOver>;
  /** A claim to decommission; its final backup (when enabled) is already requested. */
  remove(claim: ServiceRecord, tx: Knex.Transaction): Promise<HandOver>;
  requestBackup(
    claim: ServiceRecord,
    backup: Backup,
    tx: Knex.Transaction,
  ): Promise<HandOver>;
  /**
   * The claim with its primary's first completed backup recorded (which the
   * replica regions of a multi-region database start from), to commit.
   */
  commitPrimaryBackup(
    claim: ServiceRecord,
    tx: Knex.Transaction,
  ): Promise<HandOver>;
  /** After the transaction committed: waits a little for the hand-over's work. */
  handedOver(handOver: HandOver): Promise<void>;
}

/**
 * The provisioner until one that reaches clusters is configured: changes are
 * recorded and stay Pending. It hands nothing anywhere, by design, and says so.
 */
export class RecordOnlyProvisioner implements ServiceProvisioner {
  async checkOwnership(): Promise<void> {}
  async apply(): Promise<HandOver> {
    return undefined;
  }
  async remove(): Promise<HandOver> {
    return undefined;
  }
  async requestBackup(): Promise<HandOver> {
    return undefined;
  }
  async commitPrimaryBackup(): Promise<HandOver> {
    return undefined;
  }
  async handedOver(): Promise<void> {}
}
