import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  CustomObjectsApi,
  KubernetesObjectApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import { examplePops } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  WholeLoop,
  describeWithServices,
  eventually,
  findHelm,
  helmTemplate,
  portalRequiredValues,
  repoRoot,
  type Manifest,
} from '@internal/test-services';
import { ensureLocalGitOpsRepository } from './ensureLocalGitOpsRepository';
import { GitOpsRepository } from './GitOpsRepository';
import { ENGINE_OPERATOR_CHARTS } from './engineOperatorCharts';
import {
  OPERATOR_CHART,
  PORTAL_CHART,
  operatorPopValuesPath,
  type PlatformOptions,
} from './platformLayout';

jest.setTimeout(300_000);

const ARGO = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  namespace: 'argocd',
};
const AUTHOR = { name: 'DBaaS portal', email: 'dbaas-portal@localhost' };
const PERSON = ['-c', 'user.name=Ada', '-c', 'user.email=ada@example.com'];

const OPERATOR_VALUES = {
  image: { repository: 'registry.example.com/dbaas/serviceclaim-operator' },
};

type Application = {
  metadata: { name: string };
  spec: any;
  status?: {
    sync?: { status?: string; revision?: string; revisions?: string[] };
    operationState?: { phase?: string; message?: string };
    conditions?: { type: string; message: string }[];
  };
};

function git(args: string[], cwd?: string) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/**
 * The platform as the GitOps layout deploys it, synced by the real Argo CD of
 * the service stack (`argocd`, with `kube` as the management cluster and the
 * `pops` clusters registered): the portal generates the layout for the PoPs,
 * a platform team commits its values, the charts are published to a Helm
 * repository (the git server's), and `argocd/bootstrap.yaml` is applied once.
 * Then every PoP holds the operator and the management cluster the portal,
 * object for object as `helm template` renders the charts with the values in
 * the repository.
 *
 * The engine operators' Applications are generated with their pinned upstream
 * charts, but cannot sync here: their chart repositories are on the internet,
 * which this machine does not reach.
 */
describeWithServices(
  ['kube', 'pops', 'gitserver', 'argocd'],
  'the platform in GitOps, synced by Argo CD',
  env => {
    const run = Date.now().toString(36);
    const loop = new WholeLoop(env);
    const custom = loop.management.makeApiClient(CustomObjectsApi);
    const pops = loop.pops.map(pop => {
      const example = examplePops.find(p => p.id === pop.name);
      if (!example) throw new Error(`${pop.name} is no example PoP`);
      return example;
    });
    const repositoryName = `platform-${run}.git`;
    const gitdir = path.join(env.DBAAS_GIT_ROOT, repositoryName);
    // One namespace for every run: Argo CD would prune a former run's portal
    // in another (by its instance label), and nothing here finishes a prune.
    const portalNamespace = 'dbaas-platform-sync';
    let platform: PlatformOptions;
    let helm: string;
    let work: string;

    const application = async (name: string) =>
      (await custom
        .getNamespacedCustomObject({ ...ARGO, plural: 'applications', name })
        .catch(() => undefined)) as Application | undefined;

    const lastState = new Map<string, string>();
    /** Waits until Argo CD synced the Application to the repository's head. */
    const synced = (name: string) =>
      eventually(
        `Argo CD syncing ${name}`,
        async () => {
          const app = await application(name);
          const failed = app?.status?.conditions?.find(c =>
            /Error$/.test(c.type),
          );
          if (failed && app?.status?.sync?.status !== 'Synced') {
            // Still retried: say why in the timeout's message, if it comes.
            lastState.set(name, `${failed.type}: ${failed.message}`);
          }
          return (
            app?.status?.sync?.status === 'Synced' &&
            app.status.operationState?.phase === 'Succeeded' &&
            app
          );
        },
        { timeoutMs: 180_000, intervalMs: 1000 },
      ).catch(error => {
        throw new Error(
          `${error.message}; last: ${lastState.get(name) ?? 'no condition'}`,
        );
      });
    /** The file as committed on main. */
    const committed = (file: string) =>
      git([`--git-dir=${gitdir}`, 'show', `main:${file}`]);

    /** `helm template` of a published chart with values files from the repository. */
    const render = (
      chart: string,
      release: string,
      namespace: string,
      valueFiles: string[],
    ) => {
      const args = [release, path.join(repoRoot, 'charts', chart)];
      args.push('--namespace', namespace);
      for (const file of valueFiles) {
        const local = path.join(work, 'values', file);
        fs.mkdirSync(path.dirname(local), { recursive: true });
        fs.writeFileSync(local, committed(file));
        args.push('-f', local);
      }
      // Namespaced objects the chart leaves unplaced go to the release's
      // namespace, as Argo CD puts them (it skips the namespace of a
      // cluster-scoped one, and so does the client below).
      return helmTemplate(helm, args).map(manifest => ({
        ...manifest,
        metadata: { namespace, ...manifest.metadata },
      }));
    };

    /** Every rendered object is on the cluster; returns them as read. */
    const onCluster = async (kc: KubeConfig, manifests: Manifest[]) => {
      const api = KubernetesObjectApi.makeApiClient(kc);
      const found = [];
      for (const manifest of manifests) {
        const read = await api
          .read({
            apiVersion: manifest.apiVersion,
            kind: manifest.kind,
            metadata: {
              name: manifest.metadata!.name!,
              namespace: manifest.metadata!.namespace,
            },
          } as any)
          .catch(() => undefined);
        found.push({
          kind: manifest.kind,
          name: manifest.metadata!.name,
          there: read !== undefined,
        });
      }
      return found;
    };

    /**
     * Takes this test's Argo CD resources away (also what a run that broke
     * off left): the bootstrap Application, the platform's ApplicationSets and
     * their Applications, deleted by name as no garbage collector runs here.
     * The PoPs' ApplicationSets of tenants stay, as any bootstrap leaves them.
     */
    const takeArgoCdOff = async () => {
      const remove = (plural: string, name: string) =>
        custom
          .deleteNamespacedCustomObject({ ...ARGO, plural, name })
          .catch(() => undefined);
      await remove('applications', 'dbaas-argocd');
      const suffixes = [
        'serviceclaim-operator',
        ...ENGINE_OPERATOR_CHARTS.map(chart => chart.name),
      ];
      for (const name of [
        'dbaas-portal',
        ...suffixes.map(suffix =>
          suffix === 'serviceclaim-operator'
            ? 'dbaas-serviceclaim-operator'
            : `dbaas-engine-${suffix}`,
        ),
      ]) {
        await remove('applicationsets', name);
      }
      await remove('applications', 'dbaas-portal');
      for (const pop of loop.pops) {
        for (const suffix of suffixes) {
          await remove('applications', `${pop.name}-${suffix}`);
        }
      }
    };

    const renders = new Map<string, Manifest[]>();
    const operatorManifests = (popName: string) =>
      renders.get(popName) ??
      renders
        .set(
          popName,
          render(OPERATOR_CHART.name, OPERATOR_CHART.name, 'dbaas-system', [
            'platform/serviceclaim-operator/values.yaml',
            operatorPopValuesPath(popName),
          ]),
        )
        .get(popName)!;
    const portalManifests = () =>
      renders.get('') ??
      renders
        .set(
          '',
          render(PORTAL_CHART.name, PORTAL_CHART.name, portalNamespace, [
            'platform/portal/values.yaml',
          ]),
        )
        .get('')!;

    let ourTurn = false;

    beforeAll(async () => {
      // Argo CD's objects and the PoPs' operator release are the whole
      // loop's too: one suite at a time (WholeLoop.takeTurn).
      await loop.takeTurn('platformSync.test.ts (plugins/dbaas-backend)');
      ourTurn = true;
      const located = findHelm();
      if ('missing' in located) throw new Error(located.missing);
      helm = located.helm;
      if (!env.DBAAS_HELM_REPO_DIR) {
        throw new Error(
          'DBAAS_HELM_REPO_DIR is not set: the git server predates its Helm repository; restart it (scripts/services.sh stop gitserver && scripts/services.sh start gitserver)',
        );
      }
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-sync-'));

      // The charts, published as a release would publish them.
      execFileSync(helm, [
        'package',
        path.join(repoRoot, 'charts/serviceclaim-operator'),
        path.join(repoRoot, 'charts/dbaas-portal'),
        '--destination',
        env.DBAAS_HELM_REPO_DIR,
      ]);
      execFileSync(helm, [
        'repo',
        'index',
        env.DBAAS_HELM_REPO_DIR,
        '--url',
        env.DBAAS_HELM_REPO_URL,
      ]);

      platform = {
        chartRepository: env.DBAAS_HELM_REPO_URL,
        operator: {
          version: OPERATOR_CHART.version,
          namespace: 'dbaas-system',
          backupDestination: 's3://dbaas-backups-{pop}',
        },
        portal: { version: PORTAL_CHART.version, namespace: portalNamespace },
        engineOperators: ENGINE_OPERATOR_CHARTS,
      };
      // The portal lays the repository out, as on its first start.
      await ensureLocalGitOpsRepository(gitdir);
      const repository = new GitOpsRepository({
        remote: gitdir,
        workDir: path.join(work, 'portal-clone'),
        repoURL: `${env.DBAAS_GIT_URL}/${repositoryName}`,
        platform,
      });
      await repository.updateLayout(AUTHOR, pops);

      // The platform team commits its values.
      const clone = path.join(work, 'person');
      git(['clone', '--quiet', gitdir, clone]);
      for (const [file, values] of [
        ['platform/serviceclaim-operator/values.yaml', OPERATOR_VALUES],
        ['platform/portal/values.yaml', portalRequiredValues],
      ] as const) {
        fs.writeFileSync(path.join(clone, file), yaml.dump(values));
      }
      git(
        [...PERSON, 'commit', '--quiet', '-am', 'Our platform values'],
        clone,
      );
      git(['push', '--quiet', 'origin', 'HEAD:main'], clone);

      await takeArgoCdOff();
      // The one step by hand (argocd/README.md).
      await loop.bootstrapArgoCd(gitdir);
    }, 1_500_000);

    afterAll(async () => {
      // Without its turn, what is there is another suite's.
      if (!ourTurn) return;
      try {
        await cleanUp();
      } finally {
        await loop.stop();
      }
    });

    async function cleanUp() {
      await takeArgoCdOff();
      // The rendered objects, deleted as a person would (the management
      // cluster of the stack runs no garbage collector to follow owners).
      const given: [KubeConfig, () => Manifest[]][] = [
        ...loop.pops.map(
          pop =>
            [pop.kubeConfig, () => operatorManifests(pop.name)] as [
              KubeConfig,
              () => Manifest[],
            ],
        ),
        [loop.management, portalManifests],
      ];
      for (const [kc, manifestsOf] of given) {
        let manifests: Manifest[];
        try {
          manifests = manifestsOf();
        } catch {
          continue; // never laid out: nothing was given
        }
        const api = KubernetesObjectApi.makeApiClient(kc);
        for (const manifest of manifests) {
          await api
            .delete(
              manifest as any,
              undefined,
              undefined,
              undefined,
              undefined,
              'Background',
            )
            .catch(() => undefined);
        }
      }
      fs.rmSync(work, { recursive: true, force: true });
    }

    it.each(loop.pops.map(pop => pop.name))(
      "puts the ServiceClaim operator on %s as its chart renders it with the PoP's values",
      async popName => {
        const app = await synced(`${popName}-serviceclaim-operator`);
        expect(app.spec.sources[0]).toMatchObject({
          repoURL: env.DBAAS_HELM_REPO_URL,
          chart: OPERATOR_CHART.name,
          targetRevision: OPERATOR_CHART.version,
        });
        const manifests = operatorManifests(popName);
        const pop = loop.pop(popName);
        // The CRD comes from base/crds ({pop}-platform), not the chart.
        expect(manifests.map(m => m.kind)).not.toContain(
          'CustomResourceDefinition',
        );
        expect(manifests.map(m => m.kind)).toEqual(
          expect.arrayContaining([
            'ServiceAccount',
            'ClusterRole',
            'ClusterRoleBinding',
            'Deployment',
          ]),
        );
        const found = await onCluster(pop.kubeConfig, manifests);
        expect(found.filter(f => !f.there)).toEqual([]);

        const deployment = (await KubernetesObjectApi.makeApiClient(
          pop.kubeConfig,
        ).read({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: manifests.find(m => m.kind === 'Deployment')!.metadata!.name!,
            namespace: 'dbaas-system',
          },
        } as any)) as any;
        const container = deployment.spec.template.spec.containers[0];
        // A plain value as the apiserver returns it: an empty one is left out.
        const envOf = (c: any) =>
          Object.fromEntries(
            (c.env as any[])
              .filter(e => !e.valueFrom)
              .map(e => [e.name, e.value ?? '']),
          );
        const rendered = manifests.find(m => m.kind === 'Deployment')!.spec
          .template.spec.containers[0];
        expect(container.image).toBe(rendered.image);
        expect(container.image).toMatch(
          /^registry\.example\.com\/dbaas\/serviceclaim-operator:/,
        );
        expect(envOf(container)).toEqual(envOf(rendered));
        // The values the portal wrote from the PoP entity reached the pod.
        const example = pops.find(p => p.id === popName)!;
        expect(Object.values(envOf(container))).toEqual(
          expect.arrayContaining([
            popName,
            example.storageClass,
            `s3://dbaas-backups-${popName}`,
          ]),
        );
        // And the CRD its Application does not bring is there from base/crds.
        const crd = await KubernetesObjectApi.makeApiClient(
          pop.kubeConfig,
        ).read({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: 'serviceclaims.dbaas.io' },
        } as any);
        expect(crd.metadata?.name).toBe('serviceclaims.dbaas.io');
      },
    );

    it('puts the portal on the management cluster as its chart renders it with the committed values', async () => {
      const app = await synced('dbaas-portal');
      expect(app.spec.sources[0]).toMatchObject({
        chart: PORTAL_CHART.name,
        targetRevision: PORTAL_CHART.version,
      });
      const manifests = portalManifests();
      expect(manifests.map(m => m.kind)).toEqual(
        expect.arrayContaining([
          'ConfigMap',
          'Deployment',
          'Service',
          'PodDisruptionBudget',
        ]),
      );
      const found = await onCluster(loop.management, manifests);
      expect(found.filter(f => !f.there)).toEqual([]);
      expect(found.length).toBe(manifests.length);
    });

    it('makes each engine operator an Application of its pinned upstream chart on every PoP', async () => {
      const expected = loop.pops.flatMap(pop =>
        ENGINE_OPERATOR_CHARTS.map(chart => ({
          name: `${pop.name}-${chart.name}`,
          source: chart.chart
            ? {
                repoURL: chart.repoURL,
                chart: chart.chart,
                targetRevision: chart.version,
              }
            : {
                repoURL: chart.repoURL,
                path: chart.path,
                targetRevision: chart.version,
              },
        })),
      );
      expect(expected.length).toBeGreaterThan(0);
      for (const { name, source } of expected) {
        const app = await eventually(
          `the ApplicationSet making ${name}`,
          () => application(name),
          { timeoutMs: 60_000, intervalMs: 500 },
        );
        expect({ name, source: app.spec.source }).toMatchObject({
          name,
          source,
        });
        expect(app.spec.project).toBe('dbaas-platform');
      }
    });
  },
);
