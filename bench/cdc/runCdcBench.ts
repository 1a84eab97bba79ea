/**
 * CDC latency and throughput: a PostgreSQL pipeline made by the operator's own
 * CDC step (operators/serviceclaim-operator/src/cdc) on the services of
 * scripts/services.sh (postgres, kafka, connect), then 10,000 changes at a
 * steady rate and 10,000 in a burst, each timed from its commit to its
 * arrival at a Kafka consumer. Prints figures; asserts nothing. See
 * bench/README.md.
 *
 * Stand-ins, as in the operator's CDC test: the bench makes the CDC role that
 * CloudNativePG's managed roles would, and puts its password where Kafka
 * Connect's DirectoryConfigProvider reads it (Strimzi's Kubernetes config
 * provider on a PoP). No kube-apiserver: the claim is an object in memory.
 */
import { cdcCredentialsStandIn, serviceEnv } from '@internal/test-services';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { silentLogger } from '../../operators/serviceclaim-operator/src/logger';
import {
  cdcDeps,
  closeCdcDeps,
  reconcileCdc,
} from '../../operators/serviceclaim-operator/src/cdc/reconcileCdc';
import { CDC_USER } from '../../operators/serviceclaim-operator/src/render/credentials';
import type { ClaimObject } from '../../operators/serviceclaim-operator/src/render/types';

function servicesEnv(): Record<string, string> {
  const merged: Record<string, string> = {
    ...(process.env as Record<string, string>),
  };
  for (const name of ['postgres', 'kafka', 'connect'] as const) {
    const result = serviceEnv(name);
    if ('missing' in result) throw new Error(result.missing);
    Object.assign(merged, result.env);
  }
  return merged;
}

const env = servicesEnv();
const CHANGES = Number(env.BENCH_CDC_CHANGES ?? 10_000);
const RATE = Number(env.BENCH_CDC_RATE ?? 200);

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

function summary(label: string, latencies: number[], seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  // eslint-disable-next-line no-console
  console.log(
    `${label}: ${latencies.length} changes in ${seconds.toFixed(1)} s (${(
      latencies.length / seconds
    ).toFixed(0)}/s); commit → consumer p50 ${f(
      percentile(sorted, 50),
    )}, p95 ${f(percentile(sorted, 95))}, p99 ${f(
      percentile(sorted, 99),
    )}, max ${f(sorted[sorted.length - 1])}`,
  );
}

async function main() {
  const stamp = Date.now().toString(36);
  const database = `cdcbench_${stamp}`;
  const namespace = `tenant-bench-${stamp}`;
  const superuser = new Client({ connectionString: env.DBAAS_POSTGRES_URL });
  await superuser.connect();
  await superuser.query(`CREATE ROLE ${database}_app`);
  await superuser.query(`CREATE DATABASE ${database} OWNER ${database}_app`);
  const db = new Client({
    host: env.DBAAS_POSTGRES_HOST,
    port: Number(env.DBAAS_POSTGRES_PORT),
    user: env.DBAAS_POSTGRES_USER,
    database,
  });
  await db.connect();
  await db.query(
    'CREATE TABLE public.events (id bigint PRIMARY KEY, committed_ms bigint NOT NULL, body text NOT NULL)',
  );
  await db.query(`ALTER TABLE public.events OWNER TO ${database}_app`);
  // CloudNativePG's managed role, and what Strimzi's provider would read.
  await cdcCredentialsStandIn({
    superuser,
    user: CDC_USER,
    owner: `${database}_app`,
    password: randomBytes(18).toString('base64url'),
    secretsDir: env.DBAAS_KAFKA_CONNECT_SECRETS_DIR!,
    namespace,
    secret: 'bench-cdc',
  });

  const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');
  spec.cdc = {
    pipelines: [
      { name: 'events', tables: ['public.events'], snapshot: 'never' },
    ],
  };
  const claim = {
    apiVersion: 'dbaas.io/v1alpha1',
    kind: 'ServiceClaim',
    metadata: { name: 'bench', namespace, uid: `bench-${stamp}` },
    spec,
  } as unknown as ClaimObject;
  const cdc = cdcDeps(
    {
      connectUrl: env.DBAAS_KAFKA_CONNECT_URL!,
      brokers: env.DBAAS_KAFKA_BROKERS!.split(','),
      secretReference: `\${dir:${env.DBAAS_KAFKA_CONNECT_SECRETS_DIR}/{namespace}/{name}:{key}}`,
    },
    undefined as never,
    {
      pop: `lagos-${stamp}`,
      logger: silentLogger,
      endpoint: () => ({
        host: env.DBAAS_POSTGRES_HOST!,
        port: Number(env.DBAAS_POSTGRES_PORT),
        database,
      }),
    },
  );
  const context = { pop: 'lagos', platformNamespaces: [] } as never;
  let reports = await reconcileCdc(
    cdc,
    context,
    claim,
    undefined,
    silentLogger,
  );
  const started = performance.now();
  while (reports?.[0]?.state !== 'running') {
    if (performance.now() - started > 120_000) {
      throw new Error(`the pipeline did not run: ${JSON.stringify(reports)}`);
    }
    await delay(500);
    reports = await reconcileCdc(cdc, context, claim, reports, silentLogger);
  }
  const topic = reports[0].topics[0];
  // eslint-disable-next-line no-console
  console.log(
    `load ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}; pipeline running in ${(
      (performance.now() - started) /
      1000
    ).toFixed(1)} s; topic ${topic}`,
  );

  const kafka = new Kafka({
    clientId: 'cdc-bench',
    brokers: env.DBAAS_KAFKA_BROKERS!.split(','),
    logLevel: logLevel.NOTHING,
  });
  const received = new Map<number, number>();
  const consumer = kafka.consumer({ groupId: `cdc-bench-${stamp}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      const event = JSON.parse(message.value.toString());
      if (event.after) {
        received.set(
          Number(event.after.id),
          Date.now() - event.after.committed_ms,
        );
      }
    },
  });

  const waitFor = async (ids: number[]) => {
    const deadline = Date.now() + 300_000;
    while (!ids.every(id => received.has(id))) {
      if (Date.now() > deadline) {
        throw new Error(
          `${ids.filter(id => !received.has(id)).length} changes never arrived`,
        );
      }
      await delay(50);
    }
    return ids.map(id => received.get(id)!);
  };
  // Autocommit: each INSERT is its own transaction; committed_ms is taken just
  // before it is sent, so the figure includes the commit.
  const sentAt = new Map<number, number>();
  const insert = (id: number) => {
    sentAt.set(id, Date.now());
    return db.query('INSERT INTO public.events VALUES ($1, $2, $3)', [
      id,
      sentAt.get(id),
      'x'.repeat(100),
    ]);
  };

  // The lag the CDC tab shows: the operator's measure (reconcileCdc, as on
  // every poll of a claim with pipelines), taken every 2 s during the steady
  // run, each against the bench's own figure for the change it names.
  const tabSamples: { lagMs: number; committedAt: number }[] = [];
  let measuring = true;
  const measuringDone = (async () => {
    while (measuring) {
      reports = await reconcileCdc(cdc, context, claim, reports, silentLogger);
      const measured = reports?.[0]?.measured;
      if (measured?.lagMs !== undefined && measured.lastChangeAt) {
        tabSamples.push({
          lagMs: measured.lagMs,
          committedAt: Date.parse(measured.lastChangeAt),
        });
      }
      await delay(2000);
    }
  })();

  // Steady: one change every 1/RATE s.
  const steadyIds = Array.from({ length: CHANGES }, (_, i) => i + 1);
  const steadyStart = performance.now();
  for (const id of steadyIds) {
    const due = steadyStart + ((id - 1) * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await delay(wait);
    await insert(id);
  }
  const steady = await waitFor(steadyIds);
  measuring = false;
  await measuringDone;
  summary(
    `steady at ${RATE}/s`,
    steady,
    (performance.now() - steadyStart) / 1000,
  );
  tabAgainstBench(tabSamples, sentAt, received);

  // Burst: as fast as one connection commits.
  const burstIds = Array.from({ length: CHANGES }, (_, i) => CHANGES + i + 1);
  const burstStart = performance.now();
  for (const id of burstIds) await insert(id);
  const committedIn = (performance.now() - burstStart) / 1000;
  const burst = await waitFor(burstIds);
  const drainedIn = (performance.now() - burstStart) / 1000;
  summary('burst', burst, drainedIn);
  // eslint-disable-next-line no-console
  console.log(
    `burst committed in ${committedIn.toFixed(1)} s (${(
      CHANGES / committedIn
    ).toFixed(0)}/s), all in Kafka after ${drainedIn.toFixed(
      1,
    )} s: one connector sustained ${(CHANGES / drainedIn).toFixed(
      0,
    )} changes/s`,
  );

  await consumer.disconnect();
  await cdc.connect.delete(reports[0].connector);
  await closeCdcDeps(cdc);
  await db.end();
  await delay(2000);
  await superuser
    .query(
      'SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active',
      [database],
    )
    .catch(() => undefined);
  await superuser.end();
}

/**
 * Each tab sample against the bench's latency of the change committed
 * nearest its `lastChangeAt` (PostgreSQL's commit time, a moment after the
 * bench took committed_ms).
 */
function tabAgainstBench(
  samples: { lagMs: number; committedAt: number }[],
  sentAt: Map<number, number>,
  received: Map<number, number>,
) {
  const sent = [...sentAt].sort((a, b) => a[1] - b[1]);
  const differences = samples.map(sample => {
    let nearest = sent[0];
    for (const entry of sent) {
      if (
        Math.abs(entry[1] - sample.committedAt) <
        Math.abs(nearest[1] - sample.committedAt)
      ) {
        nearest = entry;
      }
    }
    return Math.abs(sample.lagMs - (received.get(nearest[0]) ?? 0));
  });
  const lags = samples.map(s => s.lagMs).sort((a, b) => a - b);
  // eslint-disable-next-line no-console
  console.log(
    samples.length
      ? `lag on the CDC tab: ${samples.length} measures, median ${percentile(
          lags,
          50,
        )} ms, max ${
          lags[lags.length - 1]
        } ms; against the bench's figure for the same change: at most ${Math.max(
          ...differences,
        )} ms apart`
      : 'lag on the CDC tab: no measure (the probe saw no change)',
  );
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
