import { z } from 'zod';

/**
 * An alert about a database, as its PoP's Alertmanager sent it to the portal
 * (`GET /services/{id}/alerts`). One per firing: the same alert firing again
 * later is another.
 * @public
 */
export type ServiceAlert = {
  id: string;
  /** The alert's name, e.g. `DbaasDatabaseDiskHigh`. */
  name: string;
  /** The alert's `severity` label, e.g. `critical` or `warning`. */
  severity: string;
  status: 'firing' | 'resolved';
  summary?: string;
  description?: string;
  /** What to do about it: the engine's runbook. */
  runbookUrl?: string;
  startsAt: string;
  /** When it resolved; only resolved alerts have it. */
  endsAt?: string;
  /** It fired while the database's alerts were muted: nobody was told. */
  muted: boolean;
  /** Every label of the alert, as Prometheus set them. */
  labels: Record<string, string>;
};

/** Who muted a database's alerts, why, and until when. @public */
export type AlertMute = {
  until: string;
  reason: string;
  mutedBy: string;
  mutedAt: string;
};

/** A database's alerts: those firing and those of the last week. @public */
export type ServiceAlertList = {
  firing: ServiceAlert[];
  /** Resolved alerts of the last 7 days, newest first, at most 50. */
  recent: ServiceAlert[];
  /** Present while the database's alerts are muted. */
  mute?: AlertMute;
};

/** The longest mute: a week. @public */
export const MAX_ALERT_MUTE_MINUTES = 7 * 24 * 60;

/** `PUT /services/{id}/alerts/mute`: nobody is told of its alerts for a while. @public */
export const muteAlertsRequestSchema = z
  .object({
    minutes: z
      .number()
      .int('must be a whole number of minutes')
      .min(1, 'must be at least 1')
      .max(
        MAX_ALERT_MUTE_MINUTES,
        `must be at most ${MAX_ALERT_MUTE_MINUTES} (a week)`,
      ),
    reason: z.string().trim().min(1, 'must say why').max(500),
  })
  .strict();

/** @public */
export type MuteAlertsRequest = z.infer<typeof muteAlertsRequestSchema>;

/**
 * What the portal publishes on `dbaas.alerts.{tenant}` when an alert about
 * one of the tenant's databases fires or resolves.
 * @public
 */
export type AlertEvent = {
  /** The event's id: consumers deduplicate on it. */
  id: string;
  occurredAt: string;
  tenant: string;
  database: { id: string; name: string; engine: string; page: string };
  alert: ServiceAlert;
};

/** The Kafka topic of a tenant's alert events. @public */
export const ALERT_TOPIC_PREFIX = 'dbaas.alerts.';

const labelsSchema = z.record(z.string(), z.string());

/**
 * The body Alertmanager posts to a webhook receiver (its `webhook_config`,
 * payload version 4). Fields the portal does not read are let through.
 * @public
 */
export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4'),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupKey: z.string(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labelsSchema,
        annotations: labelsSchema.default({}),
        startsAt: z.iso.datetime({ offset: true }),
        endsAt: z.iso.datetime({ offset: true }).optional(),
        fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/),
      }),
    )
    .max(1000),
});

/** @public */
export type AlertmanagerWebhook = z.infer<typeof alertmanagerWebhookSchema>;

/** What became of a batch Alertmanager posted: alerts recorded, and those set aside with why. @public */
export type AlertReceipt = {
  recorded: number;
  ignored: { reason: string; alerts: number }[];
};
