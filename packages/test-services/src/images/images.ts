import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../repoRoot';

/** The images of `scripts/images.sh build`, by the variables it prints. */
export type ImageName = 'portal' | 'operator';

const VARIABLES: Record<ImageName, string> = {
  portal: 'DBAAS_PORTAL_IMAGE',
  operator: 'DBAAS_OPERATOR_IMAGE',
};

const IMAGES_SCRIPT = path.join(repoRoot, 'scripts/images.sh');

/**
 * The image `scripts/images.sh build` made, as scripts/test.sh exports it, or why
 * there is none. Never builds it here: that belongs to the test command.
 */
export function findImage(
  name: ImageName,
): { image: string } | { missing: string } {
  const image = process.env[VARIABLES[name]];
  if (!image) {
    return {
      missing: `${VARIABLES[name]} is not set: run scripts/test.sh, or eval "$(scripts/images.sh build ${name})"`,
    };
  }
  const inspected = buildah(['inspect', '--type', 'image', image]);
  return inspected.status === 0
    ? { image }
    : { missing: `${VARIABLES[name]}=${image} is not in the images' storage` };
}

function buildah(args: string[]) {
  return spawnSync(IMAGES_SCRIPT, ['buildah', ...args], { encoding: 'utf8' });
}

/** Options of {@link runImage}. */
export type RunImageOptions = {
  /** The container's environment, beyond the image's own. */
  env: Record<string, string>;
  /** Host directories the container sees read-only, host path → path inside. */
  volumes?: Record<string, string>;
  /** Replaces the image's entrypoint, as a container's `command` does. */
  command?: string[];
  /** Replaces the image's command, as a container's `args` do. */
  args?: string[];
  /** Where the process's stdout and stderr go (appended). */
  logFile: string;
};

/** A process running in a container of an image; see {@link runImage}. */
export type ImageProcess = {
  readonly child: ChildProcess;
  /** Resolves with the exit code once the process ended and its container is gone. */
  readonly exited: Promise<number | null>;
  /** Sends `signal` to the process in the container. */
  kill(signal: NodeJS.Signals): void;
};

/**
 * Runs an image the way a kubelet would run its pod's container: the image's
 * entrypoint, user and working directory, the given environment, nothing of
 * the host's. `buildah run` with chroot isolation shares the host's network, so
 * a server in the container answers on loopback. The container is removed when
 * the process ends.
 */
export function runImage(
  image: string,
  options: RunImageOptions,
): ImageProcess {
  const inspected = JSON.parse(
    buildah(['inspect', '--type', 'image', image]).stdout,
  ) as { OCIv1: { config: { Entrypoint?: string[]; Cmd?: string[] } } };
  const config = inspected.OCIv1.config;
  const created = buildah(['from', '--quiet', image]);
  if (created.status !== 0) {
    throw new Error(`buildah from ${image} failed:\n${created.stderr}`);
  }
  const container = created.stdout.trim();
  const command = [
    ...(options.command ?? config.Entrypoint ?? []),
    ...(options.args ?? config.Cmd ?? []),
  ];
  const log = fs.openSync(options.logFile, 'a');
  const child = spawn(
    IMAGES_SCRIPT,
    [
      'buildah',
      'run',
      ...Object.entries(options.volumes ?? {}).flatMap(([host, inside]) => [
        '--volume',
        `${host}:${inside}:ro`,
      ]),
      ...Object.entries(options.env).flatMap(([key, value]) => [
        '--env',
        `${key}=${value}`,
      ]),
      container,
      '--',
      ...command,
    ],
    // A process group of its own, which SIGKILL ends whole (see kill).
    { detached: true, stdio: ['ignore', log, log] },
  );
  fs.closeSync(log);
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => {
      buildah(['rm', container]);
      resolve(code);
    }),
  );
  return {
    child,
    exited,
    kill(signal) {
      if (!child.pid || child.exitCode !== null) return;
      // SIGKILL ends the lot. Any other signal goes to the container's process
      // alone, as the kubelet sends it: buildah would answer it by killing the
      // process at once, never letting it shut down.
      const targets =
        signal === 'SIGKILL' ? [-child.pid] : containerProcesses(child.pid);
      for (const pid of targets) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/** Processes under `root` that are not the images script or buildah's own. */
function containerProcesses(root: number): number[] {
  const parents = new Map<number, { ppid: number; comm: string }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      parents.set(Number(entry), { ppid, comm });
    } catch {
      // Ended while we looked.
    }
  }
  const under = (pid: number): boolean => {
    for (let at = parents.get(pid); at; at = parents.get(at.ppid)) {
      if (at.ppid === root) return true;
    }
    return false;
  };
  return [...parents.entries()]
    .filter(
      ([pid, { comm }]) =>
        under(pid) && comm !== 'bash' && !comm.includes('buildah'),
    )
    .map(([pid]) => pid);
}
