import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** A portal to measure: one already running at `baseUrl`, or one started here. */
export type Portal = { baseUrl: string; started: boolean; stop(): void };

/**
 * Uses the portal at `baseUrl` when it answers (a `yarn start` of your own, or
 * the end-to-end tests' one); otherwise starts one as playwright.config.ts
 * does: `yarn start` with the embedded defaults on a throwaway data directory.
 */
export async function openPortal(options: {
  baseUrl: string;
  backendUrl: string;
  startTimeoutMs: number;
  log: (line: string) => void;
}): Promise<Portal> {
  const { baseUrl, backendUrl, log } = options;
  if (await answers(baseUrl)) {
    log(`Using the portal already running at ${baseUrl}`);
    return { baseUrl, started: false, stop() {} };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'dbaas-bench-ui-'));
  log(`Starting the portal (yarn start), data in ${dataDir}`);
  const child: ChildProcess = spawn(
    'yarn',
    [
      'start',
      '--config',
      join(repoRoot, 'app-config.yaml'),
      '--config',
      join(repoRoot, 'app-config.e2e.yaml'),
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, DBAAS_E2E_DATA_DIR: dataDir },
      // Its own process group, so stopping it stops the frontend and backend it forks.
      detached: true,
      stdio: 'ignore',
    },
  );
  const stop = () => {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
  const deadline = Date.now() + options.startTimeoutMs;
  const readiness = `${backendUrl}/.backstage/health/v1/readiness`;
  while (!((await answers(baseUrl)) && (await answers(readiness)))) {
    if (child.exitCode !== null) {
      throw new Error(`yarn start exited with ${child.exitCode}`);
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`The portal did not answer at ${baseUrl} in time`);
    }
    await new Promise(r => setTimeout(r, 2_000));
  }
  return { baseUrl, started: true, stop };
}
