import { Session } from 'node:inspector/promises';
import { relative } from 'node:path';

/** The parts of a V8 CPU profile (`.cpuprofile`) that the summary reads. */
export type CpuProfile = {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
};

/**
 * Profiles this process's CPU from `start()` to `stop()`, through the inspector
 * protocol, so that a profile covers a measured step and not the start-up's
 * module loading and compiling.
 */
export function cpuProfiler() {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post('Profiler.enable');
      // Every 0.25 ms: a request costs about 1 ms of CPU, so coarser samples
      // would smear it.
      await session.post('Profiler.setSamplingInterval', { interval: 250 });
      await session.post('Profiler.start');
    },
    async stop(): Promise<CpuProfile> {
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return profile as CpuProfile;
    },
  };
}

/** Where a function is, short: a package name or a path in the repository. */
function placeOf(url: string): { where: string; group: string } {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.match(/.*node_modules\/((?:@[^/]+\/)?[^/]+)(\/.*)?/);
  if (inModules) {
    return {
      where: `${inModules[1]}${inModules[2] ?? ''}`,
      group: inModules[1],
    };
  }
  if (!path || path.startsWith('node:')) {
    return { where: path || '(native)', group: '(node and V8)' };
  }
  const inRepo = relative(process.cwd(), path);
  return {
    where: inRepo,
    group: inRepo
      .split('/')
      .slice(0, inRepo.startsWith('plugins/') ? 4 : 2)
      .join('/'),
  };
}

export type ProfileSummary = {
  /** Sampled milliseconds in all. */
  totalMs: number;
  /** Self time by function, largest first. */
  functions: { name: string; ms: number }[];
  /** Self time by package (or repository folder), largest first. */
  groups: { name: string; ms: number }[];
};

/** Self time per function and per package: where the CPU went. */
export function summariseProfile(profile: CpuProfile): ProfileSummary {
  const nodes = new Map(profile.nodes.map(node => [node.id, node]));
  const functions = new Map<string, number>();
  const groups = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)!.callFrame;
    // Waiting is not CPU, and the profiler's own calls are not the server's.
    if (frame.functionName === '(idle)' || frame.url === 'node:inspector') {
      return;
    }
    const { where, group } = placeOf(frame.url);
    const name = `${frame.functionName || '(anonymous)'} ${where}${
      frame.url ? `:${frame.lineNumber + 1}` : ''
    }`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    total += micros;
  });
  const sorted = (map: Map<string, number>) =>
    [...map]
      .map(([name, micros]) => ({ name, ms: micros / 1000 }))
      .sort((a, b) => b.ms - a.ms);
  return {
    totalMs: total / 1000,
    functions: sorted(functions),
    groups: sorted(groups),
  };
}
