import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { offerings } from '@internal/backstage-plugin-dbaas-common';
import { describeWithServices } from '../describeWithServices';
import { describeWithHelm } from '../helm/describeWithHelm';
import {
  type Manifest,
  helmTemplate,
  lintProblems,
  onlyManifest,
  runHelm,
} from '../helm/helmTemplate';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import {
  type Checks,
  type ExpectedAlert,
  type InputSeries,
  counter,
  describeWithPromtool,
  promtoolRuleTest,
  series,
} from '../prometheus/promtool';
import { repoRoot } from '../repoRoot';

// The databases' alerts of the ServiceClaim operator's chart (seed requirements §7),
// run by Prometheus' own rule engine: promtool evaluates the rendered rules over
// made-up series minute by minute, as a Prometheus would over scraped ones.
jest.setTimeout(120_000);

const chartDir = path.join(repoRoot, 'charts/serviceclaim-operator');
const release = 'sco';
const namespace = 'dbaas-system';
/** The ServiceMonitor's job: the metrics Service's name. */
const job = 'sco-serviceclaim-operator-metrics';
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

/** Every alert of the group, with its severity; each has a promtool test below. */
const alertSeverities = {
  DbaasDatabaseUnhealthy: 'critical',
  DbaasDatabaseBackupFailed: 'critical',
  DbaasDatabaseCpuHigh: 'warning',
  DbaasDatabaseDiskHigh: 'warning',
  DbaasDatabaseCdcLagHigh: 'warning',
};
type AlertName = keyof typeof alertSeverities;

let workDir: string | undefined;

/** A fresh file under this run's temporary folder. */
function tempFile(name: string, content: string): string {
  workDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'operator-alerts-'));
  const file = path.join(workDir, name);
  fs.writeFileSync(file, content);
  return file;
}

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

let valuesFiles = 0;

/** `-f` arguments for these layers of values over the required `pop`. */
function valuesArgs(...layers: object[]): string[] {
  return [{ pop: 'lagos' }, ...layers].flatMap(layer => [
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

const ORDERS_ID = '0b6c7e54-2f0d-4b8a-9d51-1c2f6a7e3b90';
const CACHE_ID = '5d1e9a20-7c4b-4e3f-8a62-9b0f4c1d2e77';
const SESSIONS_ID = 'c3a8f1d2-6b7e-4c90-9a1f-2e4d5b6c7a80';

/** A PostgreSQL database of the shop tenant, the one that gets into trouble. */
const orders = {
  dbaas_io_service_id: ORDERS_ID,
  namespace: 'tenant-shop',
  claim: 'orders',
  engine: 'postgresql',
};
/** Another tenant's database, healthy throughout. */
const cache = {
  dbaas_io_service_id: CACHE_ID,
  namespace: 'tenant-ads',
  claim: 'cache',
  engine: 'dragonfly',
};
/** A third tenant's database, whose alert has its own engine's runbook. */
const sessions = {
  dbaas_io_service_id: SESSIONS_ID,
  namespace: 'tenant-auth',
  claim: 'sessions',
  engine: 'mongodb',
};

/**
 * What the ServiceMonitor puts on each operator replica's series; `namespace` is
 * not among them: the series' own (the claim's) is kept (honorLabels).
 */
const leader = {
  job,
  service: job,
  endpoint: 'metrics',
  container: 'operator',
  instance: '10.42.0.21:8080',
  pod: 'sco-serviceclaim-operator-7d9f6c5b8-q4xkz',
};
const standby = {
  ...leader,
  instance: '10.42.1.8:8080',
  pod: 'sco-serviceclaim-operator-7d9f6c5b8-h2mvw',
};

/** A database series as both replicas serve it (the standby from its cache). */
function fromReplicas(
  name: string,
  labels: Record<string, string>,
  values: string,
  leaderValues = values,
): InputSeries[] {
  return [
    { series: series(name, { ...leader, ...labels }), values: leaderValues },
    { series: series(name, { ...standby, ...labels }), values },
  ];
}

/** kube-state-metrics' series, as its ServiceMonitor (honorLabels) keeps them. */
const ksm = {
  job: 'kube-state-metrics',
  instance: '10.42.2.3:8080',
  service: 'kube-state-metrics',
};
/** The kubelet's, scraped from the node. */
const kubelet = {
  job: 'kubelet',
  instance: '172.18.0.4:10250',
  node: 'pop-lagos-worker-1',
};

describeWithHelm('charts/serviceclaim-operator alerts', helm => {
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
      'the runbook template is neither a URL nor under {base}',
      ['--set', 'metrics.prometheusRule.runbookUrl=runbooks/{engine}.md'],
      '/metrics/prometheusRule/runbookUrl',
    ],
    [
      'the alerts are on without the ServiceMonitor whose job they read',
      ['--set', 'metrics.serviceMonitor.enabled=false'],
      '/metrics/serviceMonitor/enabled',
    ],
    [
      'a threshold is above 100%',
      ['--set', 'metrics.prometheusRule.disk.percent=120'],
      '/metrics/prometheusRule/disk/percent',
    ],
    [
      'a threshold is not a number',
      ['--set-string', 'metrics.prometheusRule.cdcLag.seconds=60s'],
      '/metrics/prometheusRule/cdcLag/seconds',
    ],
    [
      'a duration is not one of Prometheus',
      ['--set', 'metrics.prometheusRule.cpu.for=15 minutes'],
      '/metrics/prometheusRule/cpu/for',
    ],
    [
      'a key is unknown',
      ['--set', 'metrics.prometheusRule.severity=page'],
      "additional properties 'severity'",
    ],
    [
      'an alert has an unknown key',
      ['--set', 'metrics.prometheusRule.unhealthy.severity=warning'],
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

  it("keeps the claim's namespace on the operator's series (honorLabels), which the alerts carry", () => {
    const monitor = onlyManifest(render(helm, alertsOn), 'ServiceMonitor');
    expect(monitor.spec.endpoints).toEqual([
      expect.objectContaining({ port: 'metrics', honorLabels: true }),
    ]);
  });

  describe('the PrometheusRule', () => {
    let rule: Manifest;
    beforeAll(() => {
      rule = onlyManifest(render(helm, alertsOn), 'PrometheusRule');
    });

    it('carries the labels the Prometheus selects rules on', () => {
      expect(rule.metadata!.name).toBe('sco-serviceclaim-operator');
      expect(rule.metadata!.namespace).toBe(namespace);
      expect(rule.metadata!.labels).toMatchObject({
        release: 'kube-prometheus-stack',
        'app.kubernetes.io/instance': release,
      });
    });

    it("links every alert to its section of its engine's runbook by default, by severity", () => {
      expect(rule.spec.groups.map((g: any) => g.name)).toEqual([
        'dbaas-databases',
      ]);
      const rules = rule.spec.groups[0].rules;
      expect(
        Object.fromEntries(rules.map((r: any) => [r.alert, r.labels.severity])),
      ).toEqual(alertSeverities);
      // The alert's section of the engine's runbook, whose engine Prometheus
      // fills in from the alert's labels; every engine's runbook has the
      // section (packages/test-services' runbooks.test.ts builds them and
      // finds each anchor in the HTML).
      for (const { alert, annotations } of rules) {
        expect({ alert, runbook: annotations.runbook_url }).toEqual({
          alert,
          runbook: `https://git.example.com/platform/dbaas-portal/blob/main/docs/runbooks/{{ $labels.engine }}/docs/alerts.md#${alert.toLowerCase()}`,
        });
        for (const { id } of offerings.engines) {
          const runbook = fs.readFileSync(
            path.join(repoRoot, `docs/runbooks/${id}/docs/alerts.md`),
            'utf8',
          );
          expect(runbook).toContain(`\n## ${alert}\n`);
        }
      }
    });

    it('takes its thresholds and durations from the values', () => {
      const tuned = onlyManifest(
        render(helm, alertsOn, {
          metrics: {
            prometheusRule: {
              cpu: { percent: 90, for: '30m' },
              cdcLag: { seconds: 300, for: '15m' },
            },
          },
        }),
        'PrometheusRule',
      );
      const byName = Object.fromEntries(
        tuned.spec.groups[0].rules.map((r: any) => [r.alert, r]),
      );
      expect(byName.DbaasDatabaseCpuHigh.for).toBe('30m');
      expect(byName.DbaasDatabaseCpuHigh.expr).toMatch(/> 90$/);
      expect(byName.DbaasDatabaseCdcLagHigh.for).toBe('15m');
      expect(byName.DbaasDatabaseCdcLagHigh.expr).toContain(') > 300\n');
      expect(byName.DbaasDatabaseDiskHigh.for).toBe('10m');
    });
  });

  describeWithPromtool('evaluated by promtool', promtool => {
    let rulesFile: string;
    /** The rendered rule's summary of each alert, which the checks below expect. */
    let summaries: Record<string, string>;

    beforeAll(() => {
      // The default runbook URL, to see {engine} filled in from each alert's labels.
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

    /** The alert as the portal receives it: the database's labels and its runbook. */
    function firing(
      alertname: AlertName,
      labels: Record<string, string>,
      description: string,
    ): ExpectedAlert {
      return {
        exp_labels: { ...labels, severity: alertSeverities[alertname] },
        exp_annotations: {
          summary: summaries[alertname],
          description,
          runbook_url: `https://git.example.com/platform/dbaas-portal/blob/main/docs/runbooks/${
            labels.engine
          }/docs/alerts.md#${alertname.toLowerCase()}`,
        },
      };
    }

    function ruleTest(
      alertname: AlertName,
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
        `SUCCESS: ${Object.keys(alertSeverities).length} rules found`,
      );
      expect(result.status).toBe(0);
    });

    it('DbaasDatabaseUnhealthy: quiet while Active; fires 5 minutes after Failed, once for both replicas, through a failover', () => {
      const phase = (
        database: Record<string, string>,
        name: string,
        values: string,
        leaderValues?: string,
      ) =>
        fromReplicas(
          'dbaas_database_status_phase',
          { ...database, phase: name },
          values,
          leaderValues,
        );
      const input = [
        // orders fails at minute 30 and is Active again at 61. The leader dies
        // at 45: its series end, the standby's go on.
        ...phase(orders, 'Active', '1x29 0x30 1x20', '1x29 0x15 stale'),
        ...phase(orders, 'Failed', '0x29 1x30 0x20', '0x29 1x15 stale'),
        ...phase(cache, 'Active', '1x80', '1x45 stale'),
        ...phase(cache, 'Failed', '0x80', '0x45 stale'),
      ];
      const failed = firing(
        'DbaasDatabaseUnhealthy',
        orders,
        "The postgresql database orders in tenant-shop has been Failed for 5m: its engine's operator reports it cannot run it. The claim's Ready condition says why.",
      );
      expect(
        ruleTest('DbaasDatabaseUnhealthy', input, {
          29: [],
          34: [],
          35: [failed],
          50: [failed],
          60: [failed],
          61: [],
        }),
      ).toEqual([]);
    });

    it('DbaasDatabaseBackupFailed: quiet while the last backup completed; fires 5 minutes after it failed, until one completes, one alert per database', () => {
      const input = [
        ...fromReplicas(
          'dbaas_database_last_backup_failed',
          orders,
          '0x59 1x59 0x10',
        ),
        ...fromReplicas('dbaas_database_last_backup_failed', cache, '0x130'),
        ...fromReplicas(
          'dbaas_database_last_backup_failed',
          sessions,
          '0x89 1x40',
        ),
      ];
      const failed = (
        database: Record<string, string>,
        what: string,
      ): ExpectedAlert =>
        firing(
          'DbaasDatabaseBackupFailed',
          database,
          `The last backup of the ${what} failed: its newest restore point is older than its schedule promises. The claim's status.backups (the portal's Backups tab) gives the engine's reason.`,
        );
      const ordersFailed = failed(
        orders,
        'postgresql database orders in tenant-shop',
      );
      const sessionsFailed = failed(
        sessions,
        'mongodb database sessions in tenant-auth',
      );
      expect(
        ruleTest('DbaasDatabaseBackupFailed', input, {
          59: [],
          64: [],
          65: [ordersFailed],
          94: [ordersFailed],
          95: [ordersFailed, sessionsFailed],
          120: [sessionsFailed],
        }),
      ).toEqual([]);
    });

    const info = [
      ...fromReplicas('dbaas_database_info', orders, '1x120'),
      ...fromReplicas('dbaas_database_info', cache, '1x120'),
    ];

    /** A pod's labels in kube-state-metrics, with the database id when it has one. */
    const podLabels = (ns: string, pod: string, serviceId?: string) => ({
      series: series('kube_pod_labels', {
        ...ksm,
        namespace: ns,
        pod,
        uid: `uid-${pod}`,
        ...(serviceId ? { label_dbaas_io_service_id: serviceId } : {}),
      }),
      values: '1x120',
    });

    it("DbaasDatabaseCpuHigh: quiet at 25% of the limits; fires 15 minutes after passing 80%, counting no other namespace's pod", () => {
      const cpu = (
        ns: string,
        pod: string,
        container: string | undefined,
        values: string,
      ) => ({
        series: series('container_cpu_usage_seconds_total', {
          ...kubelet,
          metrics_path: '/metrics/cadvisor',
          namespace: ns,
          pod,
          ...(container ? { container } : {}),
        }),
        values,
      });
      const limit = (ns: string, pod: string, cores: number) => ({
        series: series('kube_pod_container_resource_limits', {
          ...ksm,
          namespace: ns,
          pod,
          container: 'db',
          resource: 'cpu',
          unit: 'core',
        }),
        values: `${cores}x120`,
      });
      const input = [
        ...info,
        // orders: two pods of 2 cores each, at 0.5 core each until minute 30,
        // then 1.9 (95%).
        ...['orders-1', 'orders-2'].flatMap(pod => [
          podLabels('tenant-shop', pod, ORDERS_ID),
          limit('tenant-shop', pod, 2),
          cpu('tenant-shop', pod, 'db', counter([30, 30], [114, 90])),
          // The pod's own cgroup (no container) and the pause container: the
          // containers' usage again, and none.
          cpu('tenant-shop', pod, undefined, counter([30, 30], [114, 90])),
          cpu('tenant-shop', pod, 'POD', counter([1, 120])),
        ]),
        // cache: 1 core, at 0.2.
        podLabels('tenant-ads', 'cache-0', CACHE_ID),
        limit('tenant-ads', 'cache-0', 1),
        cpu('tenant-ads', 'cache-0', 'db', counter([12, 120])),
        // A pod of the other tenant that carries orders' id, with 4 busy cores
        // of 1 (as a made-up series can): counted with orders, or as orders in
        // another namespace, it would be over 80% from the start.
        podLabels('tenant-ads', 'miner', ORDERS_ID),
        limit('tenant-ads', 'miner', 1),
        cpu('tenant-ads', 'miner', 'db', counter([240, 120])),
      ];
      const hot = firing(
        'DbaasDatabaseCpuHigh',
        orders,
        "The postgresql database orders in tenant-shop has used 95% of its pods' cpu limits over 5 minutes, for 15m.",
      );
      // The 5-minute rate passes 80% at minute 34 (4 of its 5 minutes at 95%).
      expect(
        ruleTest('DbaasDatabaseCpuHigh', input, {
          30: [],
          48: [],
          49: [hot],
          90: [hot],
        }),
      ).toEqual([]);
    });

    it('DbaasDatabaseDiskHigh: quiet at 50% full; fires 10 minutes after passing 85%, not for volumes of no known database', () => {
      const GB = 1e9;
      const volume = (
        ns: string,
        pvc: string,
        serviceId: string | undefined,
        used: string,
      ): InputSeries[] => [
        {
          series: series('kube_persistentvolumeclaim_labels', {
            ...ksm,
            namespace: ns,
            persistentvolumeclaim: pvc,
            ...(serviceId ? { label_dbaas_io_service_id: serviceId } : {}),
          }),
          values: '1x120',
        },
        {
          series: series('kubelet_volume_stats_capacity_bytes', {
            ...kubelet,
            namespace: ns,
            persistentvolumeclaim: pvc,
          }),
          values: `${10 * GB}x120`,
        },
        {
          series: series('kubelet_volume_stats_used_bytes', {
            ...kubelet,
            namespace: ns,
            persistentvolumeclaim: pvc,
          }),
          values: used,
        },
      ];
      const input = [
        ...info,
        // orders' two volumes: half full, then 9 of 10 GB from minute 30.
        ...volume(
          'tenant-shop',
          'pgdata-orders-1',
          ORDERS_ID,
          `${5 * GB}x29 ${9 * GB}x90`,
        ),
        ...volume(
          'tenant-shop',
          'pgdata-orders-2',
          ORDERS_ID,
          `${5 * GB}x29 ${9 * GB}x90`,
        ),
        ...volume('tenant-ads', 'cache-data', CACHE_ID, `${5 * GB}x120`),
        // Nearly full all along: a volume of no database, and one whose database
        // this operator does not know.
        ...volume('tenant-shop', 'scratch', undefined, `${9.9 * GB}x120`),
        ...volume(
          'tenant-shop',
          'pgdata-elsewhere-1',
          '9f1c2b3a-4d5e-4f60-8a7b-6c5d4e3f2a10',
          `${9.9 * GB}x120`,
        ),
      ];
      const full = firing(
        'DbaasDatabaseDiskHigh',
        orders,
        "The postgresql database orders in tenant-shop has used 90% of its volumes' capacity for 10m.",
      );
      expect(
        ruleTest('DbaasDatabaseDiskHigh', input, {
          29: [],
          39: [],
          40: [full],
          100: [full],
        }),
      ).toEqual([]);
    });

    it('DbaasDatabaseCdcLagHigh: quiet at 1.5 s; fires 5 minutes after changes arrive 90 s late, clears once the pipeline caught up and went quiet', () => {
      const pipeline = (
        database: Record<string, string>,
        name: string,
        lag: string,
        lastChange: string,
      ) => [
        ...fromReplicas(
          'dbaas_database_cdc_lag_seconds',
          { ...database, pipeline: name },
          lag,
        ),
        ...fromReplicas(
          'dbaas_database_cdc_last_change_timestamp_seconds',
          { ...database, pipeline: name },
          lastChange,
        ),
      ];
      // The test's clock starts at the Unix epoch: minute m is 60 m seconds.
      const input = [
        // orders: changes keep arriving 30 s before each scrape, 1.5 s after
        // their commit; from minute 30, 90 s after it; the last arrives at
        // minute 48.5, and the pipeline is quiet from then on.
        ...pipeline(
          orders,
          'orders',
          '1.5x29 90x39',
          '-31.5+60x29 1680+60x19 2820x19',
        ),
        // A pipeline whose last change, long ago, arrived 2 minutes late.
        ...pipeline(orders, 'audit', '120x69', '-60x69'),
        ...pipeline(cache, 'clicks', '0.4x69', '-30.4+60x69'),
      ];
      const late = firing(
        'DbaasDatabaseCdcLagHigh',
        { ...orders, pipeline: 'orders' },
        'The changes of CDC pipeline orders of the postgresql database orders in tenant-shop have reached Kafka 1m 30s after their commit, for 5m.',
      );
      expect(
        ruleTest('DbaasDatabaseCdcLagHigh', input, {
          4: [],
          29: [],
          34: [],
          35: [late],
          51: [late],
          52: [],
          69: [],
        }),
      ).toEqual([]);
    });
  });

  describeWithServices(['kube'], 'on a kube-apiserver', env => {
    const kc = kubeConfigFrom(env);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    const proofNamespace = `operator-alerts-${Date.now().toString(36)}`;

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

    /** Creates the rule as a dry run, refusing any field the CRD lacks. */
    const dryRun = (body: Manifest): Promise<any> =>
      custom.createNamespacedCustomObject({
        group: 'monitoring.coreos.com',
        version: 'v1',
        namespace: proofNamespace,
        plural: 'prometheusrules',
        body,
        dryRun: 'All',
        fieldValidation: 'Strict',
      });

    it('accepts the PrometheusRule with strict field validation, keeping every field', async () => {
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
      const stored = await dryRun(rule);
      expect(stored.spec).toEqual(rule.spec);

      // The same rule with a field the CRD lacks is refused, not pruned.
      const misspelt = structuredClone(rule);
      misspelt.spec.groups[0].rules[0].severity = 'critical';
      await expect(dryRun(misspelt)).rejects.toThrow(/unknown field/);
    });
  });
});
