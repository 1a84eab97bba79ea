/**
 * The retention pass (plugins/dbaas-backend/src/retention) on a big history:
 * 200,000 audit events past their retention and 50,000 within it, 100,000
 * alert events and 20,000 resolved alerts past theirs, once on SQLite (a
 * file) and once on PostgreSQL (a fresh database of scripts/services.sh's
 * server, dropped afterwards). Prints how long the pass took, rows deleted a
 * second, and how long one page of the audit log took before and after.
 * Asserts nothing. See bench/README.md.
 */
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { type Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { AlertStore } from '../../plugins/dbaas-backend/src/alerts/AlertStore';
import { listAuditEvents } from '../../plugins/dbaas-backend/src/audit/auditOutbox';
import { migratedClient } from '../../plugins/dbaas-backend/src/database/migrations';
import { pruneExpired } from '../../plugins/dbaas-backend/src/retention/startRetention';
import {
  createPostgresBenchDatabase,
  createSqliteBenchDatabase,
  knexConfigOf,
  type BenchDatabase,
} from '../api/benchDatabases';

const env = process.env;
const OLD_AUDIT = Number(env.BENCH_RETENTION_OLD_AUDIT ?? 200_000);
const RECENT_AUDIT = Number(env.BENCH_RETENTION_RECENT_AUDIT ?? 50_000);
const OLD_ALERT_EVENTS = Number(env.BENCH_RETENTION_ALERT_EVENTS ?? 100_000);
const OLD_ALERTS = Number(env.BENCH_RETENTION_ALERTS ?? 20_000);
const TENANTS = 100;
const DAY_MS = 86_400_000;
const NOW = Date.now();
const RETENTION = { auditDays: 365, alertDays: 90 };

const tenant = (i: number) => `group:default/team-${i % TENANTS}`;

async function insertAll(
  db: Knex,
  table: string,
  count: number,
  row: (i: number) => Record<string, unknown>,
) {
  const chunk = 500;
  for (let start = 0; start < count; start += chunk) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + chunk); i++)
      rows.push(row(i));
    await db(table).insert(rows);
  }
}

async function seed(db: Knex) {
  const audit = (daysAgo: number) => (i: number) => {
    const at = new Date(NOW - daysAgo * DAY_MS + i * 1000);
    return {
      id: randomUUID(),
      tenant: tenant(i),
      organization: null,
      actor: 'user:default/ada',
      action: 'service.update',
      resource_type: 'database',
      resource_id: randomUUID(),
      request_id: randomUUID(),
      outcome: 'succeeded',
      details: JSON.stringify({ change: 'storage 100Gi \u2192 200Gi' }),
      occurred_at: at,
      published_at: at,
    };
  };
  await insertAll(db, 'audit_events', OLD_AUDIT, audit(400));
  await insertAll(db, 'audit_events', RECENT_AUDIT, audit(30));
  await insertAll(db, 'alert_events', OLD_ALERT_EVENTS, i => {
    const at = new Date(NOW - 120 * DAY_MS + i * 1000);
    return {
      id: randomUUID(),
      tenant: tenant(i),
      payload: JSON.stringify({ alert: { name: 'DbaasDatabaseCpuHigh' } }),
      occurred_at: at,
      published_at: at,
    };
  });
  await insertAll(db, 'service_alerts', OLD_ALERTS, i => {
    const at = new Date(NOW - 120 * DAY_MS + i * 1000);
    return {
      id: randomUUID(),
      service_id: randomUUID(),
      fingerprint: String(i),
      starts_at: at,
      alertname: 'DbaasDatabaseCpuHigh',
      severity: 'warning',
      status: 'resolved',
      labels: '{}',
      annotations: '{}',
      muted: false,
      received_at: at,
      ends_at: new Date(at.getTime() + 600_000),
    };
  });
}

async function auditPageMs(db: Knex): Promise<number> {
  const started = performance.now();
  await listAuditEvents(db, { tenant: tenant(7), page: 1, limit: 50 } as any);
  return performance.now() - started;
}

async function run(database: BenchDatabase) {
  const knex = knexFactory(knexConfigOf(database.target));
  try {
    const db = await migratedClient(mockServices.database({ knex }));
    let started = performance.now();
    await seed(db);
    console.log(
      `${database.label}: seeded ${
        OLD_AUDIT + RECENT_AUDIT
      } audit events, ${OLD_ALERT_EVENTS} alert events, ${OLD_ALERTS} resolved alerts in ${(
        (performance.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
    const before = await auditPageMs(db);
    started = performance.now();
    const pruned = await pruneExpired(
      {
        db,
        alerts: new AlertStore(db),
        published: { audit: true, alerts: true },
        retention: RETENTION,
      },
      new Date(NOW),
    );
    const seconds = (performance.now() - started) / 1000;
    const total = pruned.auditEvents + pruned.alerts + pruned.alertEvents;
    console.log(
      `  pass: deleted ${pruned.auditEvents} audit events, ${
        pruned.alerts
      } alerts, ${pruned.alertEvents} alert events in ${seconds.toFixed(
        1,
      )} s (${Math.round(total / seconds)} rows/s, batches of 1000)`,
    );
    started = performance.now();
    await pruneExpired(
      {
        db,
        alerts: new AlertStore(db),
        published: { audit: true, alerts: true },
        retention: RETENTION,
      },
      new Date(NOW),
    );
    console.log(
      `  a pass with nothing to delete: ${(performance.now() - started).toFixed(
        0,
      )} ms`,
    );
    console.log(
      `  one audit log page of a tenant: ${before.toFixed(1)} ms before, ${(
        await auditPageMs(db)
      ).toFixed(1)} ms after`,
    );
  } finally {
    await knex.destroy();
    await database.drop();
  }
}

async function main() {
  await run(await createSqliteBenchDatabase());
  const postgres = env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!postgres) {
    console.log(
      'PostgreSQL: skipped (start scripts/services.sh and eval its env first)',
    );
    return;
  }
  await run(await createPostgresBenchDatabase(postgres));
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
