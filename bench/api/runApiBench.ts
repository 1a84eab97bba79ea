/**
 * Load benchmark of the DBaaS API's `GET /services` and `POST /services` on
 * SQLite and PostgreSQL. Prints figures; asserts nothing. See bench/README.md.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  percentile,
  runClosedLoop,
  sendRequest,
  type LoadRequest,
  type LoadResult,
} from './closedLoop';
import { postgresCpu } from './databaseCpu';
import {
  createPostgresBenchDatabase,
  createSqliteBenchDatabase,
  knexConfigOf,
  type BenchDatabase,
} from './benchDatabases';
import {
  adminRef,
  memberRef,
  seedBenchData,
  tenantRef,
  type BenchShape,
} from './benchFixtures';
import type {
  ServerReply,
  ServerRequest,
  StatementTime,
} from './serverProtocol';

const env = process.env;
const numberList = (value: string) => value.split(',').map(Number);
function positiveInteger(name: string, fallback: number): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number above 0, not ${env[name]}`);
  }
  return value;
}

const settings = {
  shape: {
    organizations: positiveInteger('BENCH_ORGANIZATIONS', 10),
    tenants: positiveInteger('BENCH_TENANTS', 10_000),
    services: positiveInteger('BENCH_SERVICES', 50_000),
  } satisfies BenchShape,
  // Team members taking turns, one per tenant from the first: with every
  // tenant's member (the default), each request is the first of its user in a
  // while, so the backend reuses no permission decision.
  members: env.BENCH_MEMBERS ? positiveInteger('BENCH_MEMBERS', 1) : undefined,
  databases: (env.BENCH_DATABASES ?? 'sqlite,postgres').split(','),
  // Commit claims to a local GitOps repository, so that creates include the
  // commit; see gitopsNote.
  gitops: env.BENCH_GITOPS === '1',
  concurrency: numberList(env.BENCH_CONCURRENCY ?? '1,4,16,32'),
  seconds: Number(env.BENCH_SECONDS ?? 4),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 1),
  scenarios:
    env.BENCH_SCENARIOS?.split(',') ??
    (env.BENCH_GITOPS === '1' ? ['create-member', 'create-admin'] : undefined),
  explain: env.BENCH_EXPLAIN !== '0',
  // Statements run after seeding, e.g. a CREATE INDEX to try before it becomes a migration.
  afterSeedSql: (env.BENCH_AFTER_SEED_SQL ?? '')
    .split(';')
    .map(statement => statement.trim())
    .filter(Boolean),
  // A directory for V8 CPU profiles of the backend (.cpuprofile), one per
  // database and scenario, taken in an extra run at the highest concurrency.
  serverCpuProfileDir: env.BENCH_SERVER_CPU_PROF,
  profileTop: positiveInteger('BENCH_PROFILE_TOP', 15),
  // The target of issue 14: p99 under 25 ms at 2,000 requests per second.
  targetP99Ms: Number(env.BENCH_TARGET_P99_MS ?? 25),
  postgresUrl:
    env.BENCH_POSTGRES_URL ??
    env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
    env.DBAAS_POSTGRES_URL,
  // Never refuse, but count: the limiter's upsert is part of every request.
  requestsPerMinute: 1_000_000_000,
};

/** Admins taking turns, so that the rate limiter's per-caller counter row is not one hot row. */
const ADMINS = 50;

type Scenario = {
  id: string;
  title: string;
  read: boolean;
  expectStatus: number;
  next: (n: number) => LoadRequest;
  /** What the step counts in the answers it got: a claim committed before the answer. */
  counts?: { what: string; of: (body: string) => boolean };
};

const gitopsNote =
  'The GitOps repository is a local bare repository that starts empty: with the ' +
  'seeded databases in it, the GitOps reconciler would write their 50,000 claims ' +
  'while the creates run, so no databases are seeded in this mode.';

const auth = (user: string) => ({
  authorization: mockCredentials.user.header(user),
});

function scenariosOf(shape: BenchShape): Scenario[] {
  const tenantOf = (n: number) => n % shape.tenants;
  // The tenant of the n-th request's team member.
  const memberTenantOf = (n: number) =>
    n % Math.min(settings.members ?? shape.tenants, shape.tenants);
  const list = (query = '') => `/api/dbaas/v1/services?limit=20${query}`;
  const tenantQuery = (t: number) =>
    `&tenant=${encodeURIComponent(tenantRef(t))}`;
  // Shared by both create scenarios, so every name is new in its tenant.
  let created = 0;
  const create = (userOf: (n: number) => string): LoadRequest => {
    const n = created++;
    return {
      method: 'POST',
      path: '/api/dbaas/v1/services',
      headers: auth(userOf(n)),
      body: JSON.stringify({
        name: `load-${n}`,
        tenant: tenantRef(tenantOf(n)),
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      }),
    };
  };
  const committed = settings.gitops
    ? {
        what: 'claims committed before the answer',
        of: (body: string) => body.includes('"commitSha"'),
      }
    : undefined;
  const all: Scenario[] = [
    {
      id: 'list-admin',
      title: 'GET /services?limit=20, platform admin (no filter)',
      read: true,
      expectStatus: 200,
      next: n => ({
        method: 'GET',
        path: list(),
        headers: auth(adminRef(n % ADMINS)),
      }),
    },
    {
      id: 'list-admin-tenant',
      title: 'GET /services?limit=20&tenant=…, platform admin',
      read: true,
      expectStatus: 200,
      next: n => ({
        method: 'GET',
        path: list(tenantQuery(tenantOf(n))),
        headers: auth(adminRef(n % ADMINS)),
      }),
    },
    {
      id: 'list-member',
      title: 'GET /services?limit=20, team member (permission filter)',
      read: true,
      expectStatus: 200,
      next: n => ({
        method: 'GET',
        path: list(),
        headers: auth(memberRef(memberTenantOf(n))),
      }),
    },
    {
      id: 'list-member-tenant',
      title:
        'GET /services?limit=20&tenant=own, team member (permission filter)',
      read: true,
      expectStatus: 200,
      next: n => ({
        method: 'GET',
        path: list(tenantQuery(memberTenantOf(n))),
        headers: auth(memberRef(memberTenantOf(n))),
      }),
    },
    {
      id: 'create-member',
      title: 'POST /services, team member into their tenant',
      read: false,
      expectStatus: 201,
      next: () => create(n => memberRef(tenantOf(n))),
      counts: committed,
    },
    {
      id: 'create-admin',
      title: 'POST /services, platform admin into any tenant',
      read: false,
      expectStatus: 201,
      next: () => create(n => adminRef(n % ADMINS)),
      counts: committed,
    },
  ];
  const unknown = settings.scenarios?.filter(id => !all.some(s => s.id === id));
  if (unknown?.length) {
    throw new Error(
      `Unknown scenario ${unknown.join(', ')}; the scenarios are ${all
        .map(s => s.id)
        .join(', ')}`,
    );
  }
  return all.filter(
    s => !settings.scenarios || settings.scenarios.includes(s.id),
  );
}

/** The backend in its own process, and a way to ask it things. */
async function startServer(database: BenchDatabase, gitopsPath?: string) {
  const child: ChildProcess = fork(join(__dirname, 'benchServer.ts'), {
    execArgv: process.execArgv,
    env: {
      ...env,
      BENCH_SERVER_OPTIONS: JSON.stringify({
        target: database.target,
        shape: settings.shape,
        requestsPerMinute: settings.requestsPerMinute,
        gitopsPath,
      }),
    },
  });
  const replies: ServerReply[] = [];
  const waiting: ((reply: ServerReply) => void)[] = [];
  child.on('message', (reply: ServerReply | { type: 'watch' }) => {
    // The node transform reports every file it compiles, for backstage-cli's watch mode.
    if (reply.type === 'watch') {
      return;
    }
    const waiter = waiting.shift();
    if (waiter) {
      waiter(reply);
    } else {
      replies.push(reply);
    }
  });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', code =>
      reject(new Error(`The bench server exited with code ${code}`)),
    ),
  );
  exited.catch(() => {});
  const nextReply = () =>
    Promise.race([
      exited,
      new Promise<ServerReply>(resolve => {
        const queued = replies.shift();
        if (queued) {
          resolve(queued);
        } else {
          waiting.push(resolve);
        }
      }),
    ]);
  async function ask<T extends ServerReply['type']>(
    request: ServerRequest,
    type: T,
  ): Promise<Extract<ServerReply, { type: T }>> {
    child.send(request);
    const reply = await nextReply();
    if (reply.type !== type) {
      throw new Error(
        `Expected ${type} from the bench server, got ${reply.type}`,
      );
    }
    return reply as Extract<ServerReply, { type: T }>;
  }
  const ready = await nextReply();
  if (ready.type !== 'ready') {
    throw new Error(`Expected ready from the bench server, got ${ready.type}`);
  }
  return {
    port: ready.port,
    ask,
    async stop() {
      const gone = new Promise(resolve => child.once('exit', resolve));
      child.send({ type: 'stop' } satisfies ServerRequest);
      await gone;
    },
  };
}

type Step = {
  concurrency: number;
  result: LoadResult;
  serverCpuMs: number;
  /** PostgreSQL's CPU for the bench database; NaN on SQLite, which runs inside the backend. */
  databaseCpuMs: number;
  eventLoopUtilization: number;
  clientCpuMs: number;
  statements: StatementTime[];
  /** What the answers' count is of, when the scenario counts. */
  counted?: string;
};

const pad = (value: string | number, width: number) =>
  String(value).padStart(width);
const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));
const throughputOf = (step: Step) => step.result.requests / step.result.seconds;
const perRequest = (step: Step, cpuMs: number) =>
  cpuMs / Math.max(1, step.result.requests);
const describeStep = (step: Step) =>
  `${throughputOf(step).toFixed(0)} req/s, p50 ${ms(
    percentile(step.result.latencies, 0.5),
  )} ms, p99 ${ms(percentile(step.result.latencies, 0.99))} ms, ` +
  `CPU per request ${perRequest(step, step.serverCpuMs).toFixed(2)} ms backend${
    Number.isNaN(step.databaseCpuMs)
      ? ''
      : ` + ${perRequest(step, step.databaseCpuMs).toFixed(2)} ms PostgreSQL`
  } (concurrency ${step.concurrency})`;

function printHeader() {
  console.log(
    `${pad('conc', 6)}${pad('requests', 10)}${pad('req/s', 9)}${pad(
      'p50 ms',
      9,
    )}${pad('p99 ms', 9)}${pad('errors', 8)}` +
      `${pad('server CPU ms/req', 19)}${pad('db CPU ms/req', 15)}${pad(
        'server loop busy',
        18,
      )}${pad('loadgen CPU', 13)}`,
  );
}

function printStep(step: Step) {
  const { result } = step;
  const wallMs = result.seconds * 1000;
  console.log(
    `${pad(step.concurrency, 6)}${pad(result.requests, 10)}${pad(
      throughputOf(step).toFixed(0),
      9,
    )}` +
      `${pad(ms(percentile(result.latencies, 0.5)), 9)}${pad(
        ms(percentile(result.latencies, 0.99)),
        9,
      )}` +
      `${pad(result.errors, 8)}${pad(
        perRequest(step, step.serverCpuMs).toFixed(2),
        19,
      )}${pad(ms(perRequest(step, step.databaseCpuMs)), 15)}` +
      `${pad(`${(step.eventLoopUtilization * 100).toFixed(0)}%`, 18)}` +
      `${pad(`${((step.clientCpuMs / wallMs) * 100).toFixed(0)}%`, 13)}`,
  );
  if (result.firstError) {
    console.log(`        first error: ${result.firstError}`);
  }
  if (step.counted) {
    console.log(
      `        ${step.counted}: ${result.counted} of ${result.requests}`,
    );
  }
}

const shorten = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 150 ? `${flat.slice(0, 147)}...` : flat;
};

/** Where the server's time went in a step: the statements, by their share. */
function printStatements(step: Step) {
  const requests = Math.max(1, step.result.requests);
  const top = [...step.statements].sort((a, b) => b.ms - a.ms).slice(0, 6);
  const total = step.statements.reduce((sum, s) => sum + s.ms, 0);
  console.log(
    `        at concurrency ${step.concurrency}, per request: ${(
      total / requests
    ).toFixed(2)} ms in SQL statements ` +
      `(wall time, overlapping), ${(step.serverCpuMs / requests).toFixed(
        2,
      )} ms server CPU; the statements:`,
  );
  for (const s of top) {
    console.log(
      `          ${pad((s.ms / requests).toFixed(2), 6)} ms  ${pad(
        (s.calls / requests).toFixed(1),
        4,
      )}×  ` +
        `${pad((s.ms / s.calls).toFixed(2), 6)} ms each  ${shorten(s.sql)}`,
    );
  }
}

/**
 * Where the server's CPU went at the highest concurrency: a run of its own
 * (sampling slows the server a little, so no step is profiled), its profile
 * written for a viewer (Chrome DevTools, speedscope) and its top functions by
 * self time printed.
 */
async function profileScenario(
  server: Awaited<ReturnType<typeof startServer>>,
  file: string,
  load: (seconds: number) => Promise<LoadResult>,
) {
  await server.ask({ type: 'profile-start' }, 'profiling');
  const result = await load(settings.seconds);
  const { summary } = await server.ask(
    { type: 'profile-stop', file },
    'profile',
  );
  const share = (part: number) =>
    `${pad(((part / summary.totalMs) * 100).toFixed(1), 5)}%`;
  console.log(
    `        profiled: ${result.requests} requests, ${(
      summary.totalMs / Math.max(1, result.requests)
    ).toFixed(2)} ms sampled CPU per request (${file}); by package:`,
  );
  for (const group of summary.groups.slice(0, 8)) {
    console.log(`          ${share(group.ms)}  ${group.name}`);
  }
  console.log('        by function (self time):');
  for (const fn of summary.functions.slice(0, settings.profileTop)) {
    console.log(`          ${share(fn.ms)}  ${fn.name}`);
  }
}

async function runScenario(
  server: Awaited<ReturnType<typeof startServer>>,
  scenario: Scenario,
  options: {
    databaseCpu?: ReturnType<typeof postgresCpu>;
    profileFile?: string;
  },
): Promise<Step[]> {
  const { databaseCpu, profileFile } = options;
  console.log(`\n  ${scenario.title}`);
  printHeader();
  const steps: Step[] = [];
  // Each step starts where the last left off, so that no step re-reads what
  // the one before it has just warmed.
  let offset = 0;
  for (const concurrency of settings.concurrency) {
    const load = (seconds: number, from: number) =>
      runClosedLoop({
        port: server.port,
        concurrency,
        seconds,
        next: n => scenario.next(from + n),
        expectStatus: scenario.expectStatus,
        counts: scenario.counts?.of,
      });
    offset += (await load(settings.warmupSeconds, offset)).requests;
    await server.ask({ type: 'usage' }, 'usage');
    await databaseCpu?.take();
    const clientCpu = process.cpuUsage();
    const result = await load(settings.seconds, offset);
    offset += result.requests;
    const clientCpuDelta = process.cpuUsage(clientCpu);
    const usage = await server.ask({ type: 'usage' }, 'usage');
    const step: Step = {
      concurrency,
      result,
      serverCpuMs: usage.cpuMs,
      databaseCpuMs: databaseCpu ? await databaseCpu.take() : NaN,
      eventLoopUtilization: usage.eventLoopUtilization,
      clientCpuMs: (clientCpuDelta.user + clientCpuDelta.system) / 1000,
      statements: usage.statements,
      counted: scenario.counts?.what,
    };
    printStep(step);
    steps.push(step);
  }
  printStatements(steps[steps.length - 1]);
  if (profileFile) {
    await profileScenario(server, profileFile, seconds =>
      runClosedLoop({
        port: server.port,
        concurrency: steps[steps.length - 1].concurrency,
        seconds,
        next: n => scenario.next(offset + n),
        expectStatus: scenario.expectStatus,
      }),
    );
  }
  return steps;
}

async function printPlans(
  server: Awaited<ReturnType<typeof startServer>>,
  scenario: Scenario,
) {
  await server.ask({ type: 'capture' }, 'capturing');
  // A tenant in the middle, neither first nor last in any order.
  await sendRequest(
    server.port,
    scenario.next(Math.floor(settings.shape.tenants / 2) + 1),
  );
  const { plans } = await server.ask({ type: 'explain' }, 'plans');
  console.log(`\n  Plans of ${scenario.title}:`);
  for (const { sql, plan } of plans) {
    console.log(`    ${shorten(sql)}`);
    console.log(plan.replace(/^/gm, '      '));
  }
}

async function benchDatabase(database: BenchDatabase) {
  const shape = settings.gitops
    ? { ...settings.shape, services: 0 }
    : settings.shape;
  console.log(`\n== ${database.label}`);
  const migrations = join(
    dirname(
      require.resolve('@internal/backstage-plugin-dbaas-backend/package.json'),
    ),
    'migrations',
  );
  const knex = knexFactory(knexConfigOf(database.target));
  const seedStart = performance.now();
  try {
    await knex.migrate.latest({ directory: migrations });
    await seedBenchData(knex, shape);
    for (const statement of settings.afterSeedSql) {
      console.log(`   after seeding: ${statement}`);
      await knex.raw(statement);
    }
    if (settings.afterSeedSql.length && database.target.kind === 'postgres') {
      await knex.raw('ANALYZE');
    }
  } finally {
    await knex.destroy();
  }
  console.log(
    `   ${shape.tenants} tenants in ${shape.organizations} organizations, ${shape.services} services ` +
      `(migrated and seeded in ${(
        (performance.now() - seedStart) /
        1000
      ).toFixed(1)} s)`,
  );

  const gitopsDir = settings.gitops
    ? await mkdtemp(join(tmpdir(), 'dbaas-bench-gitops-'))
    : undefined;
  if (gitopsDir) {
    console.log(`   ${gitopsNote}`);
  }
  const server = await startServer(
    database,
    gitopsDir && join(gitopsDir, 'gitops.git'),
  );
  // Its own connection, to find the backend's in pg_stat_activity.
  const databaseKnex =
    database.target.kind === 'postgres'
      ? knexFactory({
          ...knexConfigOf(database.target),
          pool: { min: 0, max: 1 },
        })
      : undefined;
  const databaseCpu = databaseKnex && postgresCpu(databaseKnex);
  const summary: string[] = [];
  try {
    if (settings.serverCpuProfileDir) {
      await mkdir(settings.serverCpuProfileDir, { recursive: true });
    }
    for (const scenario of scenariosOf(shape)) {
      const steps = await runScenario(server, scenario, {
        databaseCpu,
        profileFile:
          settings.serverCpuProfileDir &&
          join(
            settings.serverCpuProfileDir,
            `${database.target.kind}-${scenario.id}.cpuprofile`,
          ),
      });
      const within = steps.filter(
        s =>
          s.result.errors === 0 &&
          percentile(s.result.latencies, 0.99) < settings.targetP99Ms,
      );
      const [best] = within.sort((x, y) => throughputOf(y) - throughputOf(x));
      const [peak] = [...steps].sort(
        (x, y) => throughputOf(y) - throughputOf(x),
      );
      const target = `p99 < ${settings.targetP99Ms} ms`;
      summary.push(
        `   ${scenario.title}:`,
        `     ${target}: ${best ? describeStep(best) : 'at no concurrency'}`,
        `     peak: ${describeStep(peak)}`,
      );
    }
    console.log(`\n  Summary for ${database.label}:\n${summary.join('\n')}`);
    if (settings.explain) {
      for (const scenario of scenariosOf(shape).filter(s => s.read)) {
        await printPlans(server, scenario);
      }
    }
  } finally {
    await databaseKnex?.destroy();
    await server.stop();
    if (gitopsDir) {
      await rm(gitopsDir, { recursive: true, force: true });
    }
  }
}

async function main() {
  const cpu = cpus();
  console.log(
    `DBaaS API load bench: Node ${process.version}, ${cpu.length} × ${
      cpu[0]?.model ?? 'CPU'
    }, ` +
      `load average ${loadavg()
        .map(l => l.toFixed(2))
        .join(' ')} at start`,
  );
  console.log(
    `Closed loop, ${settings.seconds} s per step after ${settings.warmupSeconds} s warm-up; ` +
      `the load generator and the backend are two processes on the same machine, ` +
      `as is PostgreSQL.`,
  );
  for (const kind of settings.databases) {
    let database: BenchDatabase;
    if (kind === 'sqlite') {
      database = await createSqliteBenchDatabase();
    } else if (kind === 'postgres') {
      if (!settings.postgresUrl) {
        console.log(
          '\n== PostgreSQL: skipped; set BENCH_POSTGRES_URL (or run scripts/services.sh start postgres and eval its env)',
        );
        continue;
      }
      database = await createPostgresBenchDatabase(settings.postgresUrl);
    } else {
      throw new Error(`Unknown database ${kind}; use sqlite and/or postgres`);
    }
    try {
      await benchDatabase(database);
    } finally {
      await database.drop();
    }
  }
}

main().then(
  // Nothing is left to do; do not wait for pools' idle timers.
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
