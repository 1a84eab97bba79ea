import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { mockServices } from '@backstage/backend-test-utils';
import { examplePops as POPS } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { repoRoot, sharedDir } from '@internal/test-services';
import { ENGINE_OPERATOR_CHARTS } from './engineOperatorCharts';
import { gitopsLayout } from './gitopsLayout';
import { platformFromConfig } from './platformFromConfig';
import {
  OPERATOR_CHART,
  PORTAL_CHART,
  operatorPopValuesPath,
  type PlatformOptions,
} from './platformLayout';

const repoURL = 'https://git.example.com/platform/dbaas-gitops.git';
const chartRepository = 'https://charts.example.com/dbaas';

function platformOf(config: object = {}): PlatformOptions {
  return platformFromConfig(
    mockServices.rootConfig({
      data: { dbaas: { gitops: { platform: { chartRepository, ...config } } } },
    }),
  )!;
}

function layoutOf(platform?: PlatformOptions) {
  const layout = gitopsLayout(POPS, { repoURL, branch: 'main', platform });
  const files = new Map(layout.map(file => [file.path, file]));
  const loadAll = (filePath: string): any[] => {
    const file = files.get(filePath);
    if (!file) throw new Error(`${filePath} is not laid out`);
    return yaml.loadAll(file.content);
  };
  return { layout, files, loadAll, load: (p: string) => loadAll(p)[0] };
}

describe('the platform in the GitOps layout', () => {
  it('pins the chart versions of this repository’s charts', () => {
    for (const chart of [OPERATOR_CHART, PORTAL_CHART]) {
      const { name, version } = yaml.load(
        fs.readFileSync(
          path.join(repoRoot, 'charts', chart.name, 'Chart.yaml'),
          'utf8',
        ),
      ) as { name: string; version: string };
      expect({ name, version }).toEqual(chart);
    }
  });

  it('pins each engine operator at the release whose CRDs the operator is tested against', () => {
    const pinned = fs.readFileSync(
      path.join(sharedDir(), 'crds/README.md'),
      'utf8',
    );
    expect(ENGINE_OPERATOR_CHARTS.length).toBeGreaterThan(0);
    // The barman-cloud plugin's CRD is not among them.
    for (const chart of ENGINE_OPERATOR_CHARTS.filter(c => c.upstream)) {
      const row = pinned
        .split('\n')
        .find(line => line.includes(`(https://github.com/${chart.upstream})`));
      expect({ operator: chart.name, row: row !== undefined }).toEqual({
        operator: chart.name,
        row: true,
      });
      // The tag column: `v1.30.0 (…)`, `1.10.0 (…)` or a branch naming the release.
      const tag = row!.split('|')[5];
      expect({ operator: chart.name, tag }).toEqual({
        operator: chart.name,
        tag: expect.stringContaining(chart.operatorVersion),
      });
    }
    for (const chart of ENGINE_OPERATOR_CHARTS) {
      expect(chart.chart === undefined).toBe(chart.path !== undefined);
    }
  });

  it('adds nothing without dbaas.gitops.platform', () => {
    expect(platformFromConfig(mockServices.rootConfig())).toBeUndefined();
    const { layout } = layoutOf(undefined);
    expect(layout.filter(file => file.path.startsWith('platform/'))).toEqual(
      [],
    );
  });

  it('writes each PoP’s operator values from its entity, generated, and seeds the shared ones', () => {
    const { files } = layoutOf(
      platformOf({ operator: { backupDestination: 's3://backups-{pop}/db' } }),
    );
    for (const pop of POPS) {
      const file = files.get(operatorPopValuesPath(pop.id))!;
      expect(file.generated).toBe(true);
      expect(yaml.load(file.content)).toEqual({
        pop: pop.id,
        storageClass: pop.storageClass,
        backupDestination: `s3://backups-${pop.id}/db`,
        crds: { install: false },
      });
    }
    expect(
      files.get('platform/serviceclaim-operator/values.yaml')!.generated,
    ).toBe(false);
    expect(files.get('platform/portal/values.yaml')!.generated).toBe(false);
  });

  it('deploys the operator on every PoP cluster from the pinned chart and the values in the repository', () => {
    const { load, files } = layoutOf(platformOf());
    const appSet = load('argocd/platform-operator.yaml');
    expect(appSet.spec.generators[0].clusters.selector).toEqual({
      matchExpressions: [{ key: 'dbaas.io/pop', operator: 'Exists' }],
    });
    const [chart, values] = appSet.spec.template.spec.sources;
    expect(chart).toMatchObject({
      repoURL: chartRepository,
      chart: 'serviceclaim-operator',
      targetRevision: OPERATOR_CHART.version,
    });
    expect(values).toEqual({ repoURL, targetRevision: 'main', ref: 'values' });
    // Each values file is one the layout writes, but the overlay's own.
    const pop = '{{ index .metadata.labels "dbaas.io/pop" }}';
    const lagos = chart.helm.valueFiles.map((file: string) =>
      file.replace('$values/', '').replace(pop, 'lagos'),
    );
    expect(lagos).toEqual([
      'platform/serviceclaim-operator/values.yaml',
      'platform/serviceclaim-operator/pops/lagos.yaml',
      'overlays/lagos/serviceclaim-operator.values.yaml',
    ]);
    expect(lagos.slice(0, 2).every((file: string) => files.has(file))).toBe(
      true,
    );
    expect(appSet.spec.template.spec.destination).toEqual({
      server: '{{ .server }}',
      namespace: 'dbaas-system',
    });
    expect(appSet.spec.template.spec.project).toBe('dbaas-platform');
  });

  it('deploys the portal on the management cluster, and can leave it out', () => {
    const { load } = layoutOf(platformOf({ portal: { namespace: 'portal' } }));
    const appSet = load('argocd/platform-portal.yaml');
    const template = appSet.spec.template;
    expect(template.metadata.name).toBe('dbaas-portal');
    expect(template.spec.sources[0]).toMatchObject({
      chart: 'dbaas-portal',
      targetRevision: PORTAL_CHART.version,
      helm: { valueFiles: ['$values/platform/portal/values.yaml'] },
    });
    expect(template.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'portal',
    });

    const without = layoutOf(platformOf({ portal: { enabled: false } }));
    expect(without.files.has('argocd/platform-portal.yaml')).toBe(false);
    expect(without.files.has('platform/portal/values.yaml')).toBe(false);
  });

  it('deploys each engine operator on every PoP, from a mirror when one is named', () => {
    const mirror = 'https://charts.mirror.example.com/cnpg';
    const first = ENGINE_OPERATOR_CHARTS[0];
    const { loadAll, load } = layoutOf(
      platformOf({
        engineOperators: { repositories: { [first.name]: mirror } },
      }),
    );
    const appSets = loadAll('argocd/platform-engine-operators.yaml');
    expect(appSets.map(set => set.metadata.name)).toEqual(
      ENGINE_OPERATOR_CHARTS.map(chart => `dbaas-engine-${chart.name}`),
    );
    for (const [i, chart] of ENGINE_OPERATOR_CHARTS.entries()) {
      const spec = appSets[i].spec.template.spec;
      expect(spec.source).toMatchObject({
        repoURL: i === 0 ? mirror : chart.repoURL,
        targetRevision: chart.version,
        ...(chart.chart ? { chart: chart.chart } : { path: chart.path }),
      });
      expect(spec.destination.namespace).toBe(chart.namespace);
      expect(spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    }
    // The platform project admits exactly the repositories it takes charts from.
    expect(load('argocd/platform-project.yaml').spec.sourceRepos).toEqual([
      repoURL,
      chartRepository,
      mirror,
      ...new Set(ENGINE_OPERATOR_CHARTS.slice(1).map(chart => chart.repoURL)),
    ]);

    const without = layoutOf(
      platformOf({ engineOperators: { enabled: false } }),
    );
    expect(without.files.has('argocd/platform-engine-operators.yaml')).toBe(
      false,
    );
  });

  it('refuses a mirror for an engine operator it does not deploy', () => {
    expect(() =>
      platformOf({ engineOperators: { repositories: { cnpg: 'https://x' } } }),
    ).toThrow(/there is no engine operator cnpg/);
  });
});
