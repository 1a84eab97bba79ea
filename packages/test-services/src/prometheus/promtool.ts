import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describeWhenAvailable } from '../describeWhenAvailable';

/** promtool, from Debian's `prometheus` package, or why it cannot be run. */
function findPromtool(): { value: string } | { missing: string } {
  const probe = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return { value: 'promtool' };
  const why =
    (probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
      ? 'promtool is not on the PATH'
      : `promtool --version failed: ${probe.error?.message ?? probe.stderr}`;
  return {
    missing: `${why}. It comes with Debian's prometheus package: \`scripts/services.sh install prometheus\``,
  };
}

/** `describe` for a suite that runs promtool, which its function receives. */
export function describeWithPromtool(
  title: string,
  fn: (promtool: string) => void,
) {
  describeWhenAvailable(title, 'promtool', findPromtool(), fn);
}

/** A series selector in the unit tests' notation: name{label="value", ...}. */
export function series(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}=${JSON.stringify(value)}`,
  );
  return `${name}{${pairs.join(', ')}}`;
}

/**
 * A counter's samples in the unit tests' notation, one a minute from 0 (where it is
 * 0): each segment adds `perMinute` at every sample for `minutes` samples. So
 * `counter([10, 30], [20, 30])` is 10 a minute up to minute 30, then 20.
 */
export function counter(
  ...segments: [perMinute: number, minutes: number][]
): string {
  let value = 0;
  const parts = ['0'];
  for (const [perMinute, minutes] of segments) {
    parts.push(`${value + perMinute}+${perMinute}x${minutes - 1}`);
    value += perMinute * minutes;
  }
  return parts.join(' ');
}

/** An input series of a rule test: its selector and its samples, one a minute. */
export type InputSeries = { series: string; values: string };

/** An alert a rule test expects firing: its labels and annotations, all of them. */
export type ExpectedAlert = {
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
};

/** Minute → the alerts firing then (pending ones do not count). */
export type Checks = Record<number, ExpectedAlert[]>;

/**
 * `promtool test rules` of one alert of `rulesFile` over `input` (a sample a
 * minute, rules evaluated every minute), checked at each minute of `checks`: its
 * failures as promtool prints them, none if it passes. The test file is written
 * beside the rules file.
 */
export function promtoolRuleTest(
  promtool: string,
  rulesFile: string,
  alertname: string,
  input: InputSeries[],
  checks: Checks,
): string[] {
  const testFile = path.join(
    path.dirname(rulesFile),
    `${alertname}-${Date.now().toString(36)}.test.yaml`,
  );
  fs.writeFileSync(
    testFile,
    yaml.dump({
      rule_files: [path.basename(rulesFile)],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: input,
          alert_rule_test: Object.entries(checks).map(([minute, alerts]) => ({
            eval_time: `${minute}m`,
            alertname,
            exp_alerts: alerts,
          })),
        },
      ],
    }),
  );
  const result = spawnSync(promtool, ['test', 'rules', testFile], {
    encoding: 'utf8',
    cwd: path.dirname(testFile),
  });
  return result.status === 0 ? [] : [result.stdout, result.stderr];
}
