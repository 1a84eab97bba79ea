import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { cpuTicksOf, TICKS_PER_SECOND } from '../processCpu';

/** One process (or group) whose CPU is sampled, read in clock ticks. */
export type CpuSource = {
  label: string;
  ticks: () => Promise<number | undefined>;
};

/** What one source spent over a sampled run. */
export type CpuFigure = {
  label: string;
  /** CPU seconds over the run. */
  seconds: number;
  /** Cores busy on average (CPU seconds over wall seconds). */
  averageCores: number;
  /** The busiest sampling interval, in cores. */
  peakCores: number;
};

/** Where scripts/services.sh keeps its services' state, as it decides. */
const servicesState = () =>
  process.env.DBAAS_SERVICES_STATE ?? join(tmpdir(), 'dbaas-services');

async function pidFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter(file => file.endsWith('.pid'))
      .map(file => join(dir, file));
  } catch {
    return [];
  }
}

/** A process named by a pid file, read afresh at each sample (it may be restarted). */
function pidFileSource(label: string, file: string): CpuSource {
  return {
    label,
    async ticks() {
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      // Children too: the repo-server's git and kustomize, lighttpd's git http-backend.
      return pid ? cpuTicksOf(pid, { children: true }) : undefined;
    },
  };
}

/**
 * The processes of scripts/services.sh's `argocd`, `gitserver`, `kube` and
 * `pops` services, from their pid files: Argo CD's application-controller,
 * applicationset-controller, repo-server and Redis, the git server, and the
 * kube-apiservers and etcds of the management cluster and of each PoP.
 */
export async function serviceCpuSources(): Promise<CpuSource[]> {
  const state = servicesState();
  const sources: CpuSource[] = [];
  const add = async (dir: string, prefix: string) => {
    for (const file of await pidFiles(dir)) {
      sources.push(pidFileSource(`${prefix} ${basename(file, '.pid')}`, file));
    }
  };
  await add(join(state, 'argocd'), 'argocd');
  await add(join(state, 'gitserver'), 'gitserver');
  await add(join(state, 'kube'), 'management');
  for (const pop of (process.env.DBAAS_POPS ?? '').split(',').filter(Boolean)) {
    await add(join(state, 'pops', pop), pop);
  }
  return sources;
}

/** A child process of the bench (the portal, an operator), by its current pid. */
export function pidSource(
  label: string,
  pid: () => number | undefined,
): CpuSource {
  return {
    label,
    async ticks() {
      const current = pid();
      return current ? cpuTicksOf(current, { children: true }) : undefined;
    },
  };
}

/** This process: the bench's polling and the engine operators' stand-in. */
export const benchSource = (label: string): CpuSource => ({
  label,
  ticks: async () => {
    const { user, system } = process.cpuUsage();
    return ((user + system) / 1e6) * TICKS_PER_SECOND;
  },
});

/** Every core's busy time: what the whole machine spent, others' work included. */
export const machineSource: CpuSource = {
  label: 'whole machine',
  async ticks() {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0];
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .split(/\s+/)
      .slice(1)
      .map(Number);
    void idle;
    void iowait;
    return user + nice + system + irq + softirq + steal;
  },
};

/**
 * Samples the sources every `intervalMs` until stopped, and says what each
 * spent: its CPU seconds, the cores it kept busy on average and at its peak.
 */
export function sampleCpu(sources: CpuSource[], intervalMs = 1000) {
  const started = performance.now();
  const first = new Map<string, number>();
  const last = new Map<string, { at: number; ticks: number }>();
  const peak = new Map<string, number>();
  const sample = async () => {
    await Promise.all(
      sources.map(async source => {
        const ticks = await source.ticks();
        if (ticks === undefined) return;
        const at = performance.now();
        if (!first.has(source.label)) first.set(source.label, ticks);
        const before = last.get(source.label);
        // A peak over a short interval is mostly the ticks' rounding: only
        // intervals of at least half the sampling interval count.
        if (
          before &&
          at - before.at >= intervalMs / 2 &&
          ticks >= before.ticks
        ) {
          const cores =
            (ticks - before.ticks) /
            TICKS_PER_SECOND /
            ((at - before.at) / 1000);
          peak.set(source.label, Math.max(peak.get(source.label) ?? 0, cores));
        }
        last.set(source.label, { at, ticks });
      }),
    );
  };
  let running = sample();
  const timer = setInterval(() => {
    running = running.then(sample);
  }, intervalMs);
  return {
    async stop(): Promise<CpuFigure[]> {
      clearInterval(timer);
      await running;
      await sample();
      const wall = (performance.now() - started) / 1000;
      return sources.flatMap(source => {
        const from = first.get(source.label);
        const to = last.get(source.label);
        if (from === undefined || !to) return [];
        const seconds = (to.ticks - from) / TICKS_PER_SECOND;
        return [
          {
            label: source.label,
            seconds,
            averageCores: seconds / wall,
            peakCores: peak.get(source.label) ?? 0,
          },
        ];
      });
    },
  };
}
