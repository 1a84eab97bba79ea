import { Client } from 'pg';
import {
  isNotFound,
  type ObjectApi,
} from '@internal/backstage-plugin-dbaas-node';
import { CDC_USER, cdcSecretName, PASSWORD_KEY } from '../render/credentials';
import type { ClaimObject } from '../render/types';
import { PG_CDC_PREFIX, type CdcSettings } from './connectorConfig';

/**
 * What a PostgreSQL pipeline leaves in its database: Debezium makes the slot
 * and the publication and never drops them, and a slot nobody reads holds
 * back WAL until the disk is full. So once a pipeline is gone the operator
 * drops both, logged in as the CDC role (REPLICATION may drop slots; it owns
 * the publications it made).
 */
export class PostgresCdcSources {
  constructor(
    private readonly objects: ObjectApi,
    private readonly settings: CdcSettings,
  ) {}

  /**
   * Drops the claim's CDC slots and publications whose names are not in
   * `keep`. A slot still in use (its connector not stopped yet) is an error,
   * for the next reconcile to try again.
   */
  async dropAllBut(claim: ClaimObject, keep: string[]): Promise<string[]> {
    if (claim.spec.engine !== 'postgresql') return [];
    // Read even when the claim has no pipeline left: its last one's slot
    // is what is to be dropped.
    const password = await this.password(claim, cdcSecretName(claim));
    if (password === undefined) return [];
    const { host, port, database } = this.settings.endpoint(claim);
    const client = new Client({
      host,
      port,
      user: CDC_USER,
      password,
      database,
      connectionTimeoutMillis: 10_000,
      statement_timeout: 10_000,
    });
    await client.connect();
    const dropped: string[] = [];
    try {
      const pattern = `${PG_CDC_PREFIX.replace(/_/g, '\\_')}%`;
      const slots = await client.query<{ slot_name: string; active: boolean }>(
        `SELECT slot_name, active FROM pg_replication_slots
          WHERE slot_name LIKE $1 AND database = current_database()`,
        [pattern],
      );
      const busy: string[] = [];
      for (const slot of slots.rows) {
        if (keep.includes(slot.slot_name)) continue;
        if (slot.active) {
          busy.push(slot.slot_name);
          continue;
        }
        await client.query('SELECT pg_drop_replication_slot($1)', [
          slot.slot_name,
        ]);
        dropped.push(`slot ${slot.slot_name}`);
      }
      const publications = await client.query<{ pubname: string }>(
        'SELECT pubname FROM pg_publication WHERE pubname LIKE $1',
        [pattern],
      );
      for (const { pubname } of publications.rows) {
        if (keep.includes(pubname)) continue;
        await client.query(
          `DROP PUBLICATION IF EXISTS ${client.escapeIdentifier(pubname)}`,
        );
        dropped.push(`publication ${pubname}`);
      }
      if (busy.length) {
        throw new Error(
          `replication slot ${busy.join(
            ', ',
          )} is still in use by its connector`,
        );
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    return dropped;
  }

  /** The CDC role's password; undefined when the claim never had a pipeline. */
  private async password(
    claim: ClaimObject,
    name: string,
  ): Promise<string | undefined> {
    let secret: { data?: Record<string, string> };
    try {
      secret = (await this.objects.read({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: claim.metadata.namespace },
      })) as typeof secret;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    const value = secret.data?.[PASSWORD_KEY];
    if (!value) throw new Error(`Secret ${name} has no ${PASSWORD_KEY}`);
    return Buffer.from(value, 'base64').toString('utf8');
  }
}
