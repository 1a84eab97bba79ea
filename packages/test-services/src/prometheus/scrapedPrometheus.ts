import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { describeWhenAvailable } from '../describeWhenAvailable';
import { freePort } from '../freePort';

/** A series in the exposition format: name{labels} value. */
export type Sample = [
  name: string,
  labels: Record<string, string>,
  value: number,
];

/** An instant query's result. */
export type Vector = {
  metric: Record<string, string>;
  value: [number, string];
}[];

/** Debian's `prometheus` package, or why it cannot be run. */
function findPrometheus(): { value: string } | { missing: string } {
  const probe = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return { value: 'prometheus' };
  const why =
    (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
      ? 'prometheus is not on the PATH'
      : `prometheus --version failed: ${probe.error?.message ?? probe.stderr}`;
  return {
    missing: `${why}. It comes with Debian's prometheus package: \`scripts/services.sh install prometheus\``,
  };
}

/**
 * `describe` for a suite that runs a Prometheus of its own (startScrapedPrometheus),
 * whose binary its function receives.
 */
export function describeWithPrometheus(
  title: string,
  fn: (prometheusBinary: string) => void,
) {
  describeWhenAvailable(title, 'prometheus', findPrometheus(), fn);
}

function exposition(samples: Sample[]): string {
  return samples
    .map(([name, labels, value]) => {
      const pairs = Object.entries(labels).map(
        ([key, v]) => `${key}=${JSON.stringify(v)}`,
      );
      return `${name}{${pairs.join(',')}} ${value}`;
    })
    .join('\n')
    .concat('\n');
}

/** What the Prometheus scrapes, and how often. */
export type ScrapedPrometheusOptions = {
  scrapeSeconds: number;
  /**
   * The series a scrape of `path` (the target's metrics_path) is answered
   * with, `seconds` after the server started: counters grow with it.
   */
  serve: (path: string, seconds: number) => Sample[];
  /**
   * Prometheus' `scrape_configs`, whose static targets are `host` (the
   * server's host:port) and whose metrics paths `serve` answers.
   */
  scrapeConfigs: (host: string) => Record<string, unknown>[];
  /**
   * Scrapes every target must have had before the queries run: enough for
   * the widest window a query's `rate()` or `increase()` reads.
   */
  scrapesBeforeQueries: number;
};

/** A running Prometheus over synthetic series, and its HTTP API. */
export type ScrapedPrometheus = {
  query(promql: string): Promise<Vector>;
  /** Grafana's `label_values(selector, label)`, as Grafana asks it. */
  labelValues(selector: string, label: string): Promise<string[]>;
  stop(): Promise<void>;
};

/**
 * Starts an HTTP server answering every scrape with the series of `serve`
 * and a real Prometheus scraping it as `scrapeConfigs` say (their relabelings
 * included), and resolves once each target has been scraped
 * `scrapesBeforeQueries` times. Fails with Prometheus' log when it exits or
 * scrapes too little within 40 s.
 */
export async function startScrapedPrometheus(
  prometheusBinary: string,
  options: ScrapedPrometheusOptions,
): Promise<ScrapedPrometheus> {
  const startedAt = Date.now();
  const server = http.createServer((req, res) => {
    const seconds = (Date.now() - startedAt) / 1000;
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(exposition(options.serve(req.url ?? '/', seconds)));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scraped-prometheus-'));
  const scrapeConfigs = options.scrapeConfigs(host);
  const configFile = path.join(workDir, 'prometheus.yml');
  fs.writeFileSync(
    configFile,
    yaml.dump({
      global: {
        scrape_interval: `${options.scrapeSeconds}s`,
        scrape_timeout: `${options.scrapeSeconds}s`,
      },
      scrape_configs: scrapeConfigs,
    }),
  );
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const prometheus = spawn(
    prometheusBinary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(workDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  const keepLog = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  prometheus.stdout?.on('data', keepLog);
  prometheus.stderr?.on('data', keepLog);

  async function api<T>(endpoint: string, params: URLSearchParams) {
    const res = await fetch(`${baseUrl}/api/v1/${endpoint}?${params}`);
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data: T;
    };
    if (body.status !== 'success') {
      throw new Error(`Prometheus refused ${params}: ${body.error}`);
    }
    return body.data;
  }

  async function stop() {
    if (prometheus.exitCode === null) {
      const exited = new Promise(resolve => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise(resolve => server.close(resolve));
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const started: ScrapedPrometheus = {
    query: async promql =>
      (
        await api<{ result: Vector }>(
          'query',
          new URLSearchParams({ query: promql }),
        )
      ).result,
    labelValues: (selector, label) =>
      api<string[]>(
        `label/${encodeURIComponent(label)}/values`,
        new URLSearchParams({ 'match[]': selector }),
      ),
    stop,
  };

  // Every target scraped often enough that the windows hold samples only:
  // `up` is Prometheus' own series, named whatever the relabelings do.
  const targets = scrapeConfigs
    .flatMap(c => (c.static_configs as { targets: string[] }[]) ?? [])
    .reduce((n, c) => n + c.targets.length, 0);
  const wanted = `count_over_time(up[1m]) >= ${options.scrapesBeforeQueries} and up == 1`;
  try {
    for (;;) {
      if (prometheus.exitCode !== null) {
        throw new Error(`Prometheus exited:\n${log}`);
      }
      const scraped = await started.query(wanted).catch(() => []);
      if (scraped.length === targets) return started;
      if (Date.now() - startedAt > 40_000) {
        throw new Error(
          `Prometheus has not scraped all ${targets} targets for 40 s (${scraped.length} ready):\n${log}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
