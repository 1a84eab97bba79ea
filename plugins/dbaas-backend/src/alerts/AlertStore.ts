import {
  databaseEntityPath,
  type AlertMute,
  type ServiceAlert,
  type ServiceAlertList,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { deleteInBatches } from '../database/deleteInBatches';
import type { InTransaction } from '../database/ServiceStore';
import { toIso } from '../database/serviceRows';
import { writeAlertEvent } from './alertEvents';

/** An alert as Alertmanager sends it, about one database. */
export type IncomingAlert = {
  status: 'firing' | 'resolved';
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
};

/** The database an alert is about, as the alert events and notifications name it. */
export type AlertedService = {
  id: string;
  tenant: string;
  name: string;
  engine: string;
};

/**
 * What recording a batch changed: an alert that began firing, or one that
 * stopped. Repeats of either change nothing and are not here.
 */
export type AlertChange = {
  service: AlertedService;
  alert: ServiceAlert;
  /** Whether the team is to hear of it: not while muted, and a resolution only of a firing it heard of. */
  notify: boolean;
};

type RawAlertRow = {
  id: string;
  service_id: string;
  fingerprint: string;
  starts_at: Date | string;
  alertname: string;
  severity: string;
  status: 'firing' | 'resolved';
  labels: string;
  annotations: string;
  muted: boolean | number;
  received_at: Date | string;
  ends_at: Date | string | null;
};

type RawMuteRow = {
  service_id: string;
  until: Date | string;
  reason: string;
  muted_by: string;
  muted_at: Date | string;
};

/** How long a database's resolved alerts are listed with it. */
export const RECENT_DAYS = 7;
const RECENT_LIMIT = 50;
const FIRING_LIMIT = 100;

function toAlert(row: RawAlertRow): ServiceAlert {
  const annotations = JSON.parse(row.annotations) as Record<string, string>;
  return {
    id: row.id,
    name: row.alertname,
    severity: row.severity,
    status: row.status,
    ...(annotations.summary ? { summary: annotations.summary } : {}),
    ...(annotations.description
      ? { description: annotations.description }
      : {}),
    ...(annotations.runbook_url ? { runbookUrl: annotations.runbook_url } : {}),
    startsAt: toIso(row.starts_at),
    ...(row.ends_at ? { endsAt: toIso(row.ends_at) } : {}),
    muted: Boolean(row.muted),
    labels: JSON.parse(row.labels),
  };
}

function toMute(row: RawMuteRow): AlertMute {
  return {
    until: toIso(row.until),
    reason: row.reason,
    mutedBy: row.muted_by,
    mutedAt: toIso(row.muted_at),
  };
}

/**
 * The alerts about databases and their mutes (`service_alerts`,
 * `service_alert_mutes`), and the outbox of alert events (`alert_events`).
 * Each firing is one row, keyed by the alert's fingerprint and start: the
 * repeats Alertmanager sends, and the copies of an Alertmanager cluster,
 * find it there and change nothing.
 */
export class AlertStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Records a batch of alerts about one database, and the events of what
   * changed in the same transaction; resolves to those changes, for the
   * caller to tell the team after the commit.
   */
  async record(
    service: AlertedService,
    alerts: IncomingAlert[],
  ): Promise<AlertChange[]> {
    const now = this.now();
    return this.db.transaction(async tx => {
      const mute = await this.activeMute(tx, service.id, now);
      const changes: AlertChange[] = [];
      for (const incoming of alerts) {
        const change =
          incoming.status === 'firing'
            ? await this.fire(tx, service, incoming, Boolean(mute), now)
            : await this.resolve(tx, service, incoming, now);
        if (!change) continue;
        changes.push(change);
        await writeAlertEvent(
          tx,
          {
            tenant: service.tenant,
            database: {
              id: service.id,
              name: service.name,
              engine: service.engine,
              page: databaseEntityPath(service.tenant, service.name),
            },
            alert: change.alert,
          },
          now,
        );
      }
      return changes;
    });
  }

  private async fire(
    tx: Knex.Transaction,
    service: AlertedService,
    incoming: IncomingAlert,
    muted: boolean,
    now: Date,
  ): Promise<AlertChange | undefined> {
    const row: RawAlertRow = {
      id: randomUUID(),
      service_id: service.id,
      fingerprint: incoming.fingerprint,
      starts_at: new Date(incoming.startsAt),
      alertname: incoming.labels.alertname ?? 'unnamed',
      severity: incoming.labels.severity ?? 'none',
      status: 'firing',
      labels: JSON.stringify(incoming.labels),
      annotations: JSON.stringify(incoming.annotations),
      muted,
      received_at: now,
      ends_at: null,
    };
    // A repeat of a firing already recorded inserts nothing.
    const inserted = await tx<RawAlertRow>('service_alerts')
      .insert(row)
      .onConflict(['service_id', 'fingerprint', 'starts_at'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return undefined;
    return { service, alert: toAlert(row), notify: !muted };
  }

  private async resolve(
    tx: Knex.Transaction,
    service: AlertedService,
    incoming: IncomingAlert,
    now: Date,
  ): Promise<AlertChange | undefined> {
    const key = {
      service_id: service.id,
      fingerprint: incoming.fingerprint,
      starts_at: new Date(incoming.startsAt),
    };
    const endsAt = incoming.endsAt ? new Date(incoming.endsAt) : now;
    // Only the first of concurrent resolutions finds it firing.
    const [resolved] = (await tx('service_alerts')
      .where({ ...key, status: 'firing' })
      .update({ status: 'resolved', ends_at: endsAt })
      .returning('*')) as RawAlertRow[];
    if (resolved) {
      return { service, alert: toAlert(resolved), notify: !resolved.muted };
    }
    if (await tx('service_alerts').where(key).first('id')) return undefined;
    // The portal missed the firing (it was down, or the alert fired and
    // resolved within one group interval): kept in the history, told to
    // nobody, as nobody heard it fire.
    const row: RawAlertRow = {
      id: randomUUID(),
      ...key,
      alertname: incoming.labels.alertname ?? 'unnamed',
      severity: incoming.labels.severity ?? 'none',
      status: 'resolved',
      labels: JSON.stringify(incoming.labels),
      annotations: JSON.stringify(incoming.annotations),
      muted: false,
      received_at: now,
      ends_at: endsAt,
    };
    const inserted = await tx('service_alerts')
      .insert(row)
      .onConflict(['service_id', 'fingerprint', 'starts_at'])
      .ignore()
      .returning('id');
    if (inserted.length === 0) return undefined;
    return { service, alert: toAlert(row), notify: false };
  }

  /**
   * Deletes the alerts resolved before `before` and the alert events that
   * occurred before it (the retention pass, `dbaas.alerts.retentionDays`),
   * but while the relay publishes the events never one it has not published
   * yet. Firing alerts stay, however old. Resolves to how many of each went.
   */
  async prune(options: {
    before: Date;
    keepUnpublished: boolean;
    batchSize?: number;
  }): Promise<{ alerts: number; events: number }> {
    const { before, keepUnpublished, batchSize } = options;
    const alerts = await deleteInBatches(
      this.db,
      'service_alerts',
      'id',
      query => {
        query.where({ status: 'resolved' }).where('ends_at', '<', before);
      },
      batchSize,
    );
    const events = await deleteInBatches(
      this.db,
      'alert_events',
      'seq',
      query => {
        query.where('occurred_at', '<', before);
        if (keepUnpublished) query.whereNotNull('published_at');
      },
      batchSize,
    );
    return { alerts, events };
  }

  /** A database's firing alerts, the last week's resolved ones, and its mute. */
  async list(serviceId: string): Promise<ServiceAlertList> {
    const now = this.now();
    const since = new Date(now.getTime() - RECENT_DAYS * 86_400_000);
    const [firing, recent, mute] = await Promise.all([
      this.db<RawAlertRow>('service_alerts')
        .where({ service_id: serviceId, status: 'firing' })
        .orderBy('starts_at', 'desc')
        .limit(FIRING_LIMIT),
      this.db<RawAlertRow>('service_alerts')
        .where({ service_id: serviceId, status: 'resolved' })
        .where('ends_at', '>=', since)
        .orderBy('ends_at', 'desc')
        .limit(RECENT_LIMIT),
      this.activeMute(this.db, serviceId, now),
    ]);
    return {
      firing: firing.map(toAlert),
      recent: recent.map(toAlert),
      ...(mute ? { mute } : {}),
    };
  }

  /** Mutes a database's alerts until `until`, replacing a mute it has. */
  async mute(
    serviceId: string,
    mute: Omit<AlertMute, 'mutedAt'>,
    inTransaction: InTransaction<AlertMute>,
  ): Promise<AlertMute> {
    const row: RawMuteRow = {
      service_id: serviceId,
      until: new Date(mute.until),
      reason: mute.reason,
      muted_by: mute.mutedBy,
      muted_at: this.now(),
    };
    return this.db.transaction(async tx => {
      await tx('service_alert_mutes')
        .insert(row)
        .onConflict('service_id')
        .merge();
      const result = toMute(row);
      await inTransaction(tx, result);
      return result;
    });
  }

  /** Ends a database's mute; resolves to whether it had one in force. */
  async unmute(
    serviceId: string,
    inTransaction: InTransaction<boolean>,
  ): Promise<boolean> {
    const now = this.now();
    return this.db.transaction(async tx => {
      const active = await this.activeMute(tx, serviceId, now);
      await tx('service_alert_mutes').where({ service_id: serviceId }).delete();
      await inTransaction(tx, Boolean(active));
      return Boolean(active);
    });
  }

  private async activeMute(
    db: Knex | Knex.Transaction,
    serviceId: string,
    now: Date,
  ): Promise<AlertMute | undefined> {
    const row = await db<RawMuteRow>('service_alert_mutes')
      .where({ service_id: serviceId })
      .where('until', '>', now)
      .first();
    return row ? toMute(row) : undefined;
  }
}
