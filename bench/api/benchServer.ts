/**
 * The backend under load, in a process of its own so that the load generator
 * does not share its event loop. Started by runApiBench.ts with the database
 * target and the shape in BENCH_SERVER_OPTIONS; talks to it over IPC.
 */
import knexFactory, { type Knex } from 'knex';
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startBenchBackend } from './benchBackend';
import { cpuProfiler, summariseProfile } from './cpuProfile';
import { knexConfigOf, type BenchDatabaseTarget } from './benchDatabases';
import type { BenchShape } from './benchFixtures';
import type {
  ServerReply,
  ServerRequest,
  StatementTime,
} from './serverProtocol';

/** Time spent per statement text, from knex's query events. */
function trackStatements(knex: Knex) {
  const started = new Map<string, { sql: string; at: number }>();
  let totals = new Map<string, StatementTime>();
  let capturing: { sql: string; bindings: unknown[] }[] | undefined;
  knex.on('query', query => {
    started.set(query.__knexQueryUid, {
      sql: query.sql,
      at: performance.now(),
    });
    capturing?.push({ sql: query.sql, bindings: query.bindings ?? [] });
  });
  const done = (_: unknown, query: { __knexQueryUid: string }) => {
    const start = started.get(query.__knexQueryUid);
    if (!start) {
      return;
    }
    started.delete(query.__knexQueryUid);
    const entry = totals.get(start.sql) ?? { sql: start.sql, calls: 0, ms: 0 };
    entry.calls += 1;
    entry.ms += performance.now() - start.at;
    totals.set(start.sql, entry);
  };
  knex.on('query-response', done);
  knex.on('query-error', done);
  return {
    /** The statement times since the last call. */
    take(): StatementTime[] {
      const result = [...totals.values()];
      totals = new Map();
      return result;
    },
    capture() {
      capturing = [];
    },
    captured() {
      const result = capturing ?? [];
      capturing = undefined;
      return result;
    },
  };
}

/** The query plan of a captured SELECT, and how long it took. */
async function explain(
  knex: Knex,
  sql: string,
  bindings: unknown[],
): Promise<string> {
  const connection = await knex.client.acquireConnection();
  try {
    if (knex.client.config.client === 'pg') {
      const result = await connection.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        bindings,
      );
      return result.rows
        .map((row: Record<string, string>) => row['QUERY PLAN'])
        .join('\n');
    }
    // better-sqlite3: the plan, and the median of a few timed runs, since SQLite
    // has no EXPLAIN ANALYZE.
    const plan = connection
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...bindings)
      .map((row: { detail: string }) => row.detail);
    const statement = connection.prepare(sql);
    const times = Array.from({ length: 9 }, () => {
      const start = performance.now();
      statement.all(...bindings);
      return performance.now() - start;
    }).sort((a, b) => a - b);
    return [
      ...plan,
      `Execution Time (median of 9): ${times[4].toFixed(3)} ms`,
    ].join('\n');
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

async function main() {
  const { target, shape, requestsPerMinute, gitopsPath } = JSON.parse(
    process.env.BENCH_SERVER_OPTIONS!,
  ) as {
    target: BenchDatabaseTarget;
    shape: BenchShape;
    requestsPerMinute: number;
    gitopsPath?: string;
  };
  const knex = knexFactory(knexConfigOf(target));
  const statements = trackStatements(knex);
  const backend = await startBenchBackend({
    knex,
    shape,
    requestsPerMinute,
    gitopsPath,
  });

  const profiler = cpuProfiler();
  let cpu = process.cpuUsage();
  let elu = performance.eventLoopUtilization();
  const send = (reply: ServerReply) => process.send!(reply);
  process.on('message', async (request: ServerRequest) => {
    switch (request.type) {
      case 'usage': {
        const nextCpu = process.cpuUsage();
        const nextElu = performance.eventLoopUtilization();
        const cpuDelta = process.cpuUsage(cpu);
        const eluDelta = performance.eventLoopUtilization(nextElu, elu);
        cpu = nextCpu;
        elu = nextElu;
        send({
          type: 'usage',
          cpuMs: (cpuDelta.user + cpuDelta.system) / 1000,
          eventLoopUtilization: eluDelta.utilization,
          statements: statements.take(),
        });
        break;
      }
      case 'capture':
        statements.capture();
        send({ type: 'capturing' });
        break;
      case 'explain': {
        const plans = [];
        for (const { sql, bindings } of statements.captured()) {
          if (/^\s*select/i.test(sql) && sql.includes('service_instances')) {
            plans.push({ sql, plan: await explain(knex, sql, bindings) });
          }
        }
        send({ type: 'plans', plans });
        break;
      }
      case 'profile-start':
        await profiler.start();
        send({ type: 'profiling' });
        break;
      case 'profile-stop': {
        const profile = await profiler.stop();
        await writeFile(request.file, JSON.stringify(profile));
        send({ type: 'profile', summary: summariseProfile(profile) });
        break;
      }
      case 'stop':
        await backend.stop();
        await knex.destroy();
        // Something in the test backend keeps a timer after stop; nothing is left to do.
        process.exit(0);
        break;
      default:
        // Not ours: the node transform's own messages, for instance.
        break;
    }
  });
  send({
    type: 'ready',
    port: (backend.server.address() as AddressInfo).port,
  });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
