import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { describeWithServices } from '../describeWithServices';
import { describeWithHelm } from '../helm/describeWithHelm';
import {
  type Manifest,
  helmTemplate,
  lintProblems,
  onlyManifest,
  runHelm,
  serverSideDryRun,
} from '../helm/helmTemplate';
import { portalRequiredValues } from '../helm/portalChartValues';
import {
  type Checks,
  type ExpectedAlert,
  type InputSeries,
  counter,
  describeWithPromtool,
  promtoolRuleTest,
  series,
} from '../prometheus/promtool';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { repoRoot } from '../repoRoot';

// The portal chart's alerts (seed requirements §7), run by Prometheus' own rule
// engine: promtool evaluates the rendered rules over made-up series minute by minute,
// as a Prometheus would over scraped ones.
jest.setTimeout(120_000);

const chartDir = path.join(repoRoot, 'charts/dbaas-portal');
const release = 'portal';
const namespace = 'dbaas';
/** The ServiceMonitor's job: the Service's name, the chart's fullname. */
const job = 'portal-dbaas-portal';
/** With a trailing slash, which the chart must not double. */
const runbookBaseUrl =
  'https://git.example.com/platform/dbaas-portal/blob/main/docs/';

const alertsOn = {
  metrics: {
    serviceMonitor: { enabled: true },
    prometheusRule: {
      enabled: true,
      runbookBaseUrl,
      labels: { release: 'kube-prometheus-stack' },
    },
  },
};

/** Every alert of the group; each has a promtool test below. */
const alertNames = [
  'DbaasApiLatencyHigh',
  'DbaasApiErrorsHigh',
  'DbaasBackupFailed',
  'DbaasProvisioningFailed',
  'DbaasPortalDown',
  'DbaasPortalAbsent',
];

function runbookUrl(alertname: string): string {
  return `https://git.example.com/platform/dbaas-portal/blob/main/docs/observability.md#${alertname.toLowerCase()}`;
}

let workDir: string | undefined;

/** A fresh file under this run's temporary folder. */
function tempFile(name: string, content: string): string {
  workDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'portal-alerts-'));
  const file = path.join(workDir, name);
  fs.writeFileSync(file, content);
  return file;
}

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

let valuesFiles = 0;

/** `-f` arguments for these layers of values over the required ones. */
function valuesArgs(...layers: object[]): string[] {
  return [portalRequiredValues, ...layers].flatMap(layer => [
    '-f',
    tempFile(`values-${valuesFiles++}.yaml`, yaml.dump(layer)),
  ]);
}

function render(helm: string, ...layers: object[]): Manifest[] {
  return helmTemplate(helm, [
    release,
    chartDir,
    '--namespace',
    namespace,
    ...valuesArgs(...layers),
  ]);
}

/** What the portal's ServiceMonitor puts on a pod's series (`up` has just these). */
const target = {
  job,
  namespace,
  instance: '10.42.0.17:9464',
  pod: 'portal-dbaas-portal-5c9d7b8f4-x2kqp',
};

/** The labels of a pod's own series: its target's, and the exporter's scope. */
const scraped = { ...target, otel_scope_name: 'dbaas' };

/** The labels of an alert on the sum over the release's pods. */
const releaseLabels = { namespace, job };

describeWithHelm('charts/dbaas-portal alerts', helm => {
  it('renders no PrometheusRule unless asked', () => {
    const kinds = (manifests: Manifest[]) => manifests.map(m => m.kind);
    expect(kinds(render(helm))).not.toContain('PrometheusRule');
    expect(
      kinds(render(helm, { metrics: { serviceMonitor: { enabled: true } } })),
    ).not.toContain('PrometheusRule');
  });

  it('passes helm lint --strict with the alerts on', () => {
    expect(lintProblems(helm, chartDir, valuesArgs(alertsOn))).toEqual([]);
  });

  it.each([
    [
      'enabled is not a boolean',
      ['--set-string', 'metrics.prometheusRule.enabled=yes'],
      '/metrics/prometheusRule/enabled',
    ],
    [
      'the alerts are on without a runbook address',
      ['--set', 'metrics.prometheusRule.runbookBaseUrl='],
      '/metrics/prometheusRule/runbookBaseUrl',
    ],
    [
      'the runbook address is not an http(s) URL',
      ['--set', 'metrics.prometheusRule.runbookBaseUrl=docs'],
      '/metrics/prometheusRule/runbookBaseUrl',
    ],
    [
      'the alerts are on without the ServiceMonitor whose job they select',
      ['--set', 'metrics.serviceMonitor.enabled=false'],
      '/metrics/serviceMonitor/enabled',
    ],
    [
      'a key is unknown',
      ['--set', 'metrics.prometheusRule.severity=page'],
      "additional properties 'severity'",
    ],
  ])('refuses values where %s, by the schema', (_title, args, field) => {
    const result = runHelm(helm, [
      'template',
      release,
      chartDir,
      ...valuesArgs(alertsOn),
      ...args,
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("don't meet the specifications");
    expect(result.stderr).toContain(field);
  });

  describe('the PrometheusRule', () => {
    let rule: Manifest;
    beforeAll(() => {
      rule = onlyManifest(render(helm, alertsOn), 'PrometheusRule');
    });

    it('carries the labels the Prometheus selects rules on', () => {
      expect(rule.metadata!.name).toBe(job);
      expect(rule.metadata!.namespace).toBe(namespace);
      expect(rule.metadata!.labels).toMatchObject({
        release: 'kube-prometheus-stack',
        'app.kubernetes.io/instance': release,
      });
    });

    it('links every alert to its section of docs/observability.md, by severity', () => {
      expect(rule.spec.groups.map((g: any) => g.name)).toEqual([
        'dbaas-portal',
      ]);
      const rules = rule.spec.groups[0].rules;
      expect(rules.map((r: any) => r.alert)).toEqual(alertNames);
      for (const { alert, annotations, labels } of rules) {
        expect({ alert, runbook: annotations.runbook_url }).toEqual({
          alert,
          runbook: runbookUrl(alert),
        });
        expect(labels.severity).toMatch(/^(warning|critical)$/);
      }
    });
  });

  describeWithPromtool('evaluated by promtool', promtool => {
    let rulesFile: string;
    /** The rendered rule's summary of each alert, which the checks below expect. */
    let summaries: Record<string, string>;

    beforeAll(() => {
      const rule = onlyManifest(render(helm, alertsOn), 'PrometheusRule');
      rulesFile = tempFile(
        'rules.yaml',
        yaml.dump({ groups: rule.spec.groups }),
      );
      summaries = Object.fromEntries(
        rule.spec.groups[0].rules.map((r: any) => [
          r.alert,
          r.annotations.summary,
        ]),
      );
    });

    function firing(
      alertname: string,
      labels: Record<string, string>,
      description: string,
    ): ExpectedAlert {
      return {
        exp_labels: labels,
        exp_annotations: {
          summary: summaries[alertname],
          description,
          runbook_url: runbookUrl(alertname),
        },
      };
    }

    /**
     * promtool test rules of one alert over `input` (a sample a minute), checked at
     * each minute of `checks`: its failures as promtool prints them, none if it passes.
     */
    function ruleTest(
      alertname: string,
      input: InputSeries[],
      checks: Checks,
    ): string[] {
      return promtoolRuleTest(promtool, rulesFile, alertname, input, checks);
    }

    it('passes promtool check rules', () => {
      const result = spawnSync(promtool, ['check', 'rules', rulesFile], {
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(
        `SUCCESS: ${alertNames.length} rules found`,
      );
      expect(result.status).toBe(0);
    });

    it('DbaasApiLatencyHigh: quiet at a p99 of 0.3 s; fires 10 minutes after the p99 passes 1 s', () => {
      const route = { ...scraped, method: 'GET', route: '/v1/services/:id' };
      // 400 requests a minute. Until minute 30 the 396th fastest takes 0.3 s
      // (interpolated in 0.25–0.5 s); from minute 31, 8 (2%) take over 1 s.
      const buckets: [le: string, healthy: number, slow: number][] = [
        ['0.25', 395, 350],
        ['0.5', 400, 380],
        ['1', 400, 392],
        ['2.5', 400, 400],
        ['+Inf', 400, 400],
      ];
      const input = buckets.map(([le, healthy, slow]) => ({
        series: series('dbaas_api_request_duration_seconds_bucket', {
          ...route,
          le,
        }),
        values: counter([healthy, 30], [slow, 30]),
      }));
      const slow = firing(
        'DbaasApiLatencyHigh',
        { ...releaseLabels, severity: 'warning' },
        "The 99th percentile of the DBaaS API's answers in dbaas has been 1.75s over the last 5 minutes, for 10 minutes (the target is under 1 s).",
      );
      // The 5-minute window holds more than 1% slow answers from minute 33.
      expect(
        ruleTest('DbaasApiLatencyHigh', input, {
          30: [],
          42: [],
          43: [slow],
          60: [slow],
        }),
      ).toEqual([]);
    });

    it('DbaasApiErrorsHigh: quiet at 0.5% 5xx or with little traffic; fires 5 minutes after 5xx pass 1%', () => {
      const route = { ...scraped, method: 'GET', route: '/v1/services' };
      // 600 requests a minute; 4xx are the callers' mistakes, not the API's.
      const input = [
        { code: '200', healthy: 500, failing: 491 },
        { code: '404', healthy: 97, failing: 97 },
        { code: '503', healthy: 3, failing: 12 },
      ].map(({ code, healthy, failing }) => ({
        series: series('dbaas_api_requests_total', { ...route, code }),
        values: counter([healthy, 30], [failing, 30]),
      }));
      // From minute 31, 2% fail; the 10-minute window passes 1% at minute 34.
      const failing = firing(
        'DbaasApiErrorsHigh',
        { ...releaseLabels, severity: 'critical' },
        "1.85% of the DBaaS API's requests in dbaas were answered with a 5xx status over the last 10 minutes.",
      );
      expect(
        ruleTest('DbaasApiErrorsHigh', input, {
          30: [],
          38: [],
          39: [failing],
        }),
      ).toEqual([]);

      // One request in five fails, but 50 requests in 10 minutes are no traffic.
      const quiet = [
        { code: '200', perMinute: 4 },
        { code: '500', perMinute: 1 },
      ].map(({ code, perMinute }) => ({
        series: series('dbaas_api_requests_total', { ...route, code }),
        values: counter([perMinute, 60]),
      }));
      expect(ruleTest('DbaasApiErrorsHigh', quiet, { 60: [] })).toEqual([]);
    });

    it('DbaasBackupFailed: fires for 30 minutes after a failed backup, also the first one a pod counts', () => {
      const backups = (engine: string, outcome: string) =>
        series('dbaas_backups_total', { ...scraped, engine, outcome });
      const input = [
        {
          series: backups('postgresql', 'completed'),
          values: counter([2, 150]),
        },
        // The exporter shows a counter from its first increment: PostgreSQL's
        // first failure appears at minute 40 as a new series at 1.
        { series: backups('postgresql', 'failed'), values: '_x40 1x110' },
        // MongoDB failed long ago, and again at minute 90.
        { series: backups('mongodb', 'failed'), values: '1x89 2x60' },
      ];
      const failed = (engine: string) =>
        firing(
          'DbaasBackupFailed',
          { ...releaseLabels, engine, severity: 'critical' },
          `At least one ${engine} backup failed in the last 30 minutes.`,
        );
      expect(
        ruleTest('DbaasBackupFailed', input, {
          39: [],
          40: [failed('postgresql')],
          69: [failed('postgresql')],
          70: [],
          89: [],
          90: [failed('mongodb')],
          119: [failed('mongodb')],
          120: [],
        }),
      ).toEqual([]);
    });

    it('DbaasProvisioningFailed: fires for an hour after a database failed to provision', () => {
      const provisioned = (engine: string, outcome: string) =>
        series('dbaas_provisioning_total', { ...scraped, engine, outcome });
      const input = [
        { series: provisioned('mysql', 'active'), values: counter([1, 250]) },
        // A pod's first failure, as in the backups' test, and a later one.
        { series: provisioned('mysql', 'failed'), values: '_x70 1x180' },
        { series: provisioned('postgresql', 'failed'), values: '3x149 4x100' },
      ];
      const failed = (engine: string) =>
        firing(
          'DbaasProvisioningFailed',
          { ...releaseLabels, engine, severity: 'warning' },
          `At least one ${engine} database failed to provision in the last hour.`,
        );
      expect(
        ruleTest('DbaasProvisioningFailed', input, {
          69: [],
          70: [failed('mysql')],
          129: [failed('mysql')],
          130: [],
          149: [],
          150: [failed('postgresql')],
          209: [failed('postgresql')],
          210: [],
        }),
      ).toEqual([]);
    });

    it("DbaasPortalDown: fires 5 minutes after one of the portal's pods stops answering, not another release's", () => {
      const broken = {
        ...target,
        instance: '10.42.1.9:9464',
        pod: 'portal-dbaas-portal-5c9d7b8f4-7fmwn',
      };
      const input = [
        { series: series('up', target), values: '1x40' },
        { series: series('up', broken), values: '1x10 0x30' },
        // A staging release's pod, down all along, is another team's page.
        {
          series: series('up', {
            ...target,
            job: 'staging-dbaas-portal',
            namespace: 'dbaas-staging',
          }),
          values: '0x40',
        },
      ];
      expect(
        ruleTest('DbaasPortalDown', input, {
          10: [],
          15: [],
          16: [
            firing(
              'DbaasPortalDown',
              { ...broken, severity: 'critical' },
              "Prometheus has failed to scrape the portal's pod portal-dbaas-portal-5c9d7b8f4-7fmwn (10.42.1.9:9464) in dbaas for 5 minutes.",
            ),
          ],
        }),
      ).toEqual([]);
    });

    it('DbaasPortalAbsent: fires 5 minutes after the last portal pod is gone', () => {
      // The Deployment scaled to 0 at minute 21: the target, and its `up`, go.
      const input = [{ series: series('up', target), values: '1x20 stale' }];
      expect(
        ruleTest('DbaasPortalAbsent', input, {
          20: [],
          25: [],
          26: [
            firing(
              'DbaasPortalAbsent',
              { ...releaseLabels, severity: 'critical' },
              'Prometheus has found no target of job portal-dbaas-portal in dbaas for 5 minutes: no portal pod runs, or its ServiceMonitor is not selected.',
            ),
          ],
        }),
      ).toEqual([]);
    });
  });

  describeWithServices(['kube'], 'on a kube-apiserver', env => {
    const kc = kubeConfigFrom(env);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const proofNamespace = `portal-alerts-${Date.now().toString(36)}`;

    beforeAll(async () => {
      await installCrds(
        kc,
        loadCrds().filter(
          ({ crd }) => crd.spec.group === 'monitoring.coreos.com',
        ),
      );
      await core.createNamespace({
        body: { metadata: { name: proofNamespace } },
      });
    });

    afterAll(async () => {
      await core
        .deleteNamespace({ name: proofNamespace })
        .catch(() => undefined);
    });

    it('accepts the PrometheusRule in a server-side dry run, keeping every field', async () => {
      const rule = onlyManifest(
        helmTemplate(helm, [
          release,
          chartDir,
          '--namespace',
          proofNamespace,
          ...valuesArgs(alertsOn),
        ]),
        'PrometheusRule',
      );
      // A field the CRD's schema does not know would be pruned without a word.
      const stored = await serverSideDryRun(objects, rule);
      expect(stored.spec).toEqual(rule.spec);
    });
  });
});
