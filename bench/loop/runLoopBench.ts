/**
 * The whole loop under load: databases ordered through the portal's API go
 * request → commit → Argo CD sync → operator → status back in the portal, on
 * the services of scripts/services.sh and the whole-loop test's harness
 * (packages/backend/src/wholeLoop.test.ts). Times every hop of every database,
 * first one after another, then many queued at once, and samples the CPU of
 * every part. Prints figures; asserts nothing. See bench/README.md.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DbaasClient,
  type RegionId,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import {
  repoRoot,
  serviceEnv,
  WholeLoop,
  type ServiceName,
} from '@internal/test-services';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { CREATE_HOPS, DELETE_HOPS, formatHops } from './hopFigures';
import { LoopObserver, type DatabaseTimes } from './loopObserver';
import { otherLoopOperators } from './otherLoops';
import type { LoopPortalOptions } from './loopPortal';
import {
  benchSource,
  machineSource,
  pidSource,
  sampleCpu,
  serviceCpuSources,
  type CpuFigure,
  type CpuSource,
} from './serviceCpu';

const env = process.env;
function count(name: string, fallback: number, least = 0): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < least) {
    throw new Error(
      `${name} must be a whole number of at least ${least}, not ${env[name]}`,
    );
  }
  return value;
}

const settings = {
  sequential: count('BENCH_LOOP_SEQUENTIAL', 50),
  batch: count('BENCH_LOOP_BATCH', 500),
  concurrency: count('BENCH_LOOP_CONCURRENCY', 20, 1),
  pop: (env.BENCH_LOOP_POP ?? 'lagos') as RegionId,
  sequentialPollMs: count('BENCH_LOOP_POLL_MS', 100, 10),
  batchPollMs: count('BENCH_LOOP_POLL_MS', 1000, 10),
  databaseTimeoutMs:
    count('BENCH_LOOP_DATABASE_TIMEOUT_SECONDS', 180, 1) * 1000,
  phaseTimeoutMs: count('BENCH_LOOP_TIMEOUT_SECONDS', 1200, 1) * 1000,
};

const log = (line: string) => {
  // eslint-disable-next-line no-console
  console.log(line);
};

/** The variables of the services the whole-loop test needs; throws naming what is missing. */
function servicesEnv(): Record<string, string> {
  const merged: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of ['kube', 'pops', 'gitserver', 'argocd'] as ServiceName[]) {
    const result = serviceEnv(name);
    if ('missing' in result) missing.push(result.missing);
    else Object.assign(merged, result.env);
  }
  if (missing.length) throw new Error(missing.join('\n'));
  return merged;
}

/** Waits for `probe` to give a value, every `intervalMs`, for at most `timeoutMs`. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (performance.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    }
    await delay(intervalMs);
  }
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/** The portal's backend in its own process (loopPortal.ts). */
async function startPortal(options: LoopPortalOptions) {
  const child = fork(path.join(__dirname, 'loopPortal.ts'), {
    execArgv: process.execArgv,
    env: { ...env, BENCH_LOOP_PORTAL: JSON.stringify(options) },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'ready') resolve(message.port!);
    });
    child.once('exit', code =>
      reject(new Error(`The portal exited with code ${code}`)),
    );
  });
  return {
    port,
    pid: () => child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = new Promise(resolve => child.once('exit', resolve));
      child.send({ type: 'stop' });
      await gone;
    },
  };
}

function formatCpu(figures: CpuFigure[], wallSeconds: number): string {
  const width = Math.max(...figures.map(f => f.label.length));
  return [
    `  ${'process'.padEnd(
      width,
    )}  CPU s  avg cores  peak cores   (over ${wallSeconds.toFixed(0)} s, ${
      cpus().length
    } cores)`,
    ...figures
      .sort((a, b) => b.seconds - a.seconds)
      .map(
        f =>
          `  ${f.label.padEnd(width)} ${f.seconds
            .toFixed(1)
            .padStart(6)} ${f.averageCores
            .toFixed(2)
            .padStart(10)} ${f.peakCores.toFixed(2).padStart(11)}`,
      ),
  ].join('\n');
}

/** Argo CD's application-controller counters: reconciliations, their seconds, syncs. */
async function argoCdCounters(metricsUrl: string | undefined) {
  const text = metricsUrl
    ? await fetch(metricsUrl)
        .then(r => r.text())
        .catch(() => '')
    : '';
  const sum = (metric: string) =>
    text
      .split('\n')
      .filter(
        line => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `),
      )
      .reduce(
        (total, line) => total + Number(line.slice(line.lastIndexOf(' ') + 1)),
        0,
      );
  return {
    reconciliations: sum('argocd_app_reconcile_count'),
    reconcileSeconds: sum('argocd_app_reconcile_sum'),
    syncs: sum('argocd_app_sync_total'),
  };
}

async function main() {
  const others = await otherLoopOperators(repoRoot);
  if (others.length > 0) {
    throw new Error(
      `ServiceClaim operators of another whole loop are running (pids ${others.join(
        ', ',
      )}): it shares Argo CD with this bench; wait until it ends`,
    );
  }
  const services = servicesEnv();
  const loop = new WholeLoop(services);
  const run = `bench-${Date.now().toString(36)}`;
  const tenant = `loop-${run}`;
  const tenantRef = `group:default/${tenant}`;
  const namespace = `tenant-${tenant}`;
  const developer = 'user:default/ada';
  const token = mockCredentials.user.token(developer);
  const repository = `gitops-${run}.git`;
  const gitdir = path.join(services.DBAAS_GIT_ROOT ?? '', repository);
  const root = fs.mkdtempSync(path.join(tmpdir(), 'dbaas-loop-bench-'));
  log(
    `Whole-loop bench: tenant ${tenant}, ${
      settings.sequential
    } one after another, ${settings.batch} at once (HTTP concurrency ${
      settings.concurrency
    }), pg-shared in ${settings.pop}; load average ${loadavg()
      .map(l => l.toFixed(2))
      .join(' ')} on ${cpus().length} cores`,
  );
  let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
  // Interrupted, it still stops the portal and the PoPs' operators, which
  // would otherwise outlive it and keep reconciling for a loop that is gone.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping the portal and the operators`);
      void Promise.allSettled([portal?.stop(), loop.stop()]).then(() =>
        process.exit(130),
      );
    });
  }
  const setupStarted = performance.now();
  try {
    // The harness of the whole-loop test: the PoPs' operators and stand-ins,
    // a tenant in the catalog, the portal's Role in Argo CD, the portal.
    await loop.startPops({ namespaces: [namespace] });
    const org = loop.writeTenant(root, {
      organization: `loop-org-${run}`,
      tenant,
    });
    // The GitOps repository, Argo CD to refresh (with the Role docs/api.md
    // gives the portal) and the PoPs, as the whole-loop test configures them.
    const loopConfig = await loop.portalConfig({
      gitdir,
      repoURL: `${services.DBAAS_GIT_URL}/${repository}`,
    });
    const most = Math.max(settings.sequential, settings.batch);
    portal = await startPortal({
      memberships: { [developer]: [tenantRef] },
      config: {
        catalog: {
          rules: [
            {
              allow: [
                'Component',
                'System',
                'API',
                'Resource',
                'Location',
                'Group',
                'User',
                'Domain',
              ],
            },
          ],
          locations: [{ type: 'file', target: org }],
        },
        permission: { enabled: true },
        dbaas: {
          permissions: { platformAdmins: ['group:default/platform'] },
          // Room for every database of the run, and no request refused for
          // its rate: what is measured is the loop, not the limits.
          quotas: {
            default: {
              instances: most + 10,
              storageGi: 1_000_000,
              cpu: 100_000,
              memoryGi: 1_000_000,
              backups: 100_000,
            },
          },
          rateLimit: { requestsPerMinute: 1_000_000 },
          gitops: loopConfig.dbaas.gitops,
        },
        kubernetes: loopConfig.kubernetes,
      },
    });
    const baseUrl = `http://127.0.0.1:${portal.port}/api`;
    const client = new DbaasClient({
      discoveryApi: { getBaseUrl: async plugin => `${baseUrl}/${plugin}` },
    });
    // The platform team's one-time setup, once the portal wrote the layout.
    await until(
      'layout committed',
      async () => (loop.layoutCommitted(gitdir) ? true : undefined),
      120_000,
    );
    await loop.bootstrapArgoCd(gitdir);
    for (const pop of loop.pops) {
      await until(
        `${pop.name}-platform synced`,
        async () => {
          const app = await loop.application(`${pop.name}-platform`);
          return app?.status?.sync?.status === 'Synced' ? app : undefined;
        },
        240_000,
      );
    }
    await until(
      `${tenantRef} in the catalog`,
      async () => {
        const response = await fetch(
          `${baseUrl}/catalog/entities/by-name/group/default/${tenant}`,
          {
            headers: { Authorization: `Bearer ${token}` },
          },
        );
        return response.ok ? true : undefined;
      },
      120_000,
    );
    log(
      `Set up in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s\n`,
    );

    const observer = new LoopObserver({
      loop,
      client,
      token,
      gitdir,
      tenant,
      tenantRef,
      namespace,
      pop: settings.pop,
    });
    const cpuSources: CpuSource[] = [
      ...(await serviceCpuSources()),
      ...loop.pops.map(pop =>
        pidSource(`operator ${pop.name}`, () => pop.operator?.pid),
      ),
      pidSource('portal', portal.pid),
      benchSource('bench (stand-in, polling)'),
      machineSource,
    ];

    /** Orders `db`, stamping when the request went and its answer came. */
    const create = async (db: DatabaseTimes) => {
      db.sent = performance.now();
      try {
        const created: ServiceDetails = await client.createService(
          {
            name: db.name,
            tenant: tenantRef,
            engine: 'postgresql',
            plan: 'shared',
            region: settings.pop,
          },
          { token },
        );
        db.id = created.id;
        db.answered = performance.now();
      } catch (error) {
        db.error = String(error);
      }
    };

    /** Polls until `done` holds for every database, or the deadline passes. */
    const watch = async (
      databases: DatabaseTimes[],
      done: (db: DatabaseTimes) => boolean,
      pollMs: number,
      timeoutMs: number,
      writing?: Promise<void>,
    ) => {
      let writesDone = !writing;
      void writing?.then(() => {
        writesDone = true;
      });
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        await observer.poll(databases);
        if (writesDone && databases.every(db => db.error || done(db)))
          return true;
        if (performance.now() > deadline) return false;
        await delay(pollMs);
      }
    };

    /** A phase's creates, then its databases deleted, each with figures and CPU. */
    const phase = async (
      title: string,
      order: () => Promise<{ databases: DatabaseTimes[]; complete: boolean }>,
    ) => {
      log(`== ${title}`);
      const before = await argoCdCounters(services.DBAAS_ARGOCD_METRICS_URL);
      const cpu = sampleCpu(cpuSources);
      const started = performance.now();
      const { databases, complete } = await order();
      const wall = (performance.now() - started) / 1000;
      const figures = await cpu.stop();
      const after = await argoCdCounters(services.DBAAS_ARGOCD_METRICS_URL);
      const failed = databases.filter(db => db.error);
      log(formatHops(databases, CREATE_HOPS));
      if (failed.length)
        log(`  ${failed.length} refused, e.g. ${failed[0].error}`);
      if (!complete)
        log(`  NOT all active within the timeout: figures of those that were`);
      log(
        `  Argo CD: ${
          after.reconciliations - before.reconciliations
        } reconciliations (${(
          after.reconcileSeconds - before.reconcileSeconds
        ).toFixed(1)} s in all), ${after.syncs - before.syncs} syncs`,
      );
      log(formatCpu(figures, wall));

      log(`-- ${title}: deleting them`);
      const created = databases.filter(db => db.id);
      const deleteCpu = sampleCpu(cpuSources);
      const deleteStarted = performance.now();
      const deleting = pool(created, settings.concurrency, async db => {
        db.deleteSent = performance.now();
        await client.deleteService(db.id!, { token }).catch(error => {
          db.error = String(error);
        });
      });
      const gone = await watch(
        created,
        db => db.gone !== undefined,
        settings.batchPollMs,
        settings.phaseTimeoutMs,
        deleting,
      );
      const deleteWall = (performance.now() - deleteStarted) / 1000;
      log(formatHops(created, DELETE_HOPS));
      log(
        gone
          ? `  all ${created.length} gone in ${deleteWall.toFixed(1)} s`
          : `  NOT all gone within the timeout (${deleteWall.toFixed(0)} s)`,
      );
      log(formatCpu(await deleteCpu.stop(), deleteWall));
      log('');
    };

    if (settings.sequential > 0) {
      await phase(
        `${settings.sequential} databases, one after another`,
        async () => {
          const databases: DatabaseTimes[] = [];
          let complete = true;
          for (let i = 1; i <= settings.sequential; i++) {
            const db: DatabaseTimes = { name: `seq-${i}`, sent: NaN };
            databases.push(db);
            await create(db);
            if (db.error) continue;
            const active = await watch(
              [db],
              one => one.active !== undefined,
              settings.sequentialPollMs,
              settings.databaseTimeoutMs,
            );
            if (i % 10 === 0) log(`  ${i} active`);
            if (!active) {
              complete = false;
              log(
                `  ${db.name} was not active within ${
                  settings.databaseTimeoutMs / 1000
                } s`,
              );
            }
          }
          return { databases, complete };
        },
      );
    }

    if (settings.batch > 0) {
      await phase(`${settings.batch} databases at once`, async () => {
        const databases = Array.from(
          { length: settings.batch },
          (_, i): DatabaseTimes => ({
            name: `batch-${i + 1}`,
            sent: NaN,
          }),
        );
        const writing = pool(databases, settings.concurrency, create);
        const complete = await watch(
          databases,
          db => db.active !== undefined,
          settings.batchPollMs,
          settings.phaseTimeoutMs,
          writing,
        );
        return { databases, complete };
      });
    }
  } finally {
    await portal?.stop();
    await loop.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  },
);
