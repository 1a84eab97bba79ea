import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  claimFilePath,
  tenantNamespace,
} from '@internal/backstage-plugin-dbaas-common';
import { examplePops as POPS } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import { mockServices } from '@backstage/backend-test-utils';
import { ENGINE_OPERATOR_CHARTS } from './engineOperatorCharts';
import { platformFromConfig } from './platformFromConfig';
import {
  CRD_PATH,
  gitopsLayout,
  tenantProject,
  tenantProjectPath,
} from './gitopsLayout';

const repoURL = 'https://git.example.com/platform/dbaas-gitops.git';
const layout = gitopsLayout(POPS, { repoURL, branch: 'main' });
const files = new Map(layout.map(file => [file.path, file.content]));

function loadAll(filePath: string): any[] {
  const content = files.get(filePath);
  if (content === undefined) throw new Error(`${filePath} is not laid out`);
  return yaml.loadAll(content);
}

function load(filePath: string): any {
  const [document] = loadAll(filePath);
  return document;
}

/** Where a kustomization's resource points, as a path from the repository root. */
function resolve(from: string, resource: string): string {
  const target = path.posix.join(path.posix.dirname(from), resource);
  return files.has(target) ? target : `${target}/kustomization.yaml`;
}

describe('gitopsLayout', () => {
  it('generates the CRD and the Argo CD resources, says so in them, and seeds the rest', () => {
    expect(
      layout.filter(file => file.generated).map(file => file.path),
    ).toEqual([
      CRD_PATH,
      'argocd/bootstrap.yaml',
      'argocd/platform-project.yaml',
      'argocd/platform-applicationset.yaml',
      'argocd/applicationset.yaml',
    ]);
    for (const file of [...layout, tenantProject('payments', { repoURL })]) {
      const header = file.content.split('\n').slice(0, 3).join('\n');
      expect({
        path: file.path,
        saysGenerated: /rewrites this file/.test(header),
      }).toEqual({
        path: file.path,
        saysGenerated: file.generated,
      });
    }
  });

  it('parses: every YAML file is one valid document, the bootstrap two', () => {
    const yamlFiles = layout.filter(file => file.path.endsWith('.yaml'));
    expect(yamlFiles.length).toBeGreaterThan(5);
    for (const file of yamlFiles) {
      expect({
        path: file.path,
        documents: yaml.loadAll(file.content).length,
      }).toEqual({
        path: file.path,
        documents: file.path === 'argocd/bootstrap.yaml' ? 2 : 1,
      });
    }
  });

  it('has an overlay for every PoP of the catalog, each building on base', () => {
    for (const region of POPS) {
      const overlay = `overlays/${region.id}/kustomization.yaml`;
      expect(load(overlay).resources).toEqual(['../../base']);
      expect(files.has(resolve(overlay, '../../base'))).toBe(true);
    }
  });

  it('only refers to files that are there', () => {
    const kustomization = 'base/kustomization.yaml';
    for (const resource of load(kustomization).resources) {
      expect(files.has(resolve(kustomization, resource))).toBe(true);
    }
  });

  it('has Argo CD sync argocd/ from a bootstrap applied once, allowed only projects and ApplicationSets', () => {
    const [project, app] = loadAll('argocd/bootstrap.yaml');
    expect(project).toMatchObject({
      kind: 'AppProject',
      metadata: { name: 'dbaas-argocd', namespace: 'argocd' },
      spec: {
        sourceRepos: [repoURL],
        destinations: [
          { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
        ],
        namespaceResourceWhitelist: [
          { group: 'argoproj.io', kind: 'AppProject' },
          { group: 'argoproj.io', kind: 'ApplicationSet' },
        ],
      },
    });
    // No cluster-scoped kind at all.
    expect(project.spec.clusterResourceWhitelist).toBeUndefined();
    expect(app).toMatchObject({
      kind: 'Application',
      metadata: { name: 'dbaas-argocd', namespace: 'argocd' },
      spec: {
        project: 'dbaas-argocd',
        source: {
          repoURL,
          targetRevision: 'main',
          path: 'argocd',
          directory: {
            recurse: true,
            exclude: '{bootstrap.yaml,kustomization.yaml}',
          },
        },
        destination: project.spec.destinations[0],
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
    // Deleting it must not take the ApplicationSets (and every claim) along.
    expect(app.metadata.finalizers).toBeUndefined();

    // What it syncs: every other YAML file under argocd/, each a kind its
    // project allows, and none of them pruned when its file goes.
    const synced = layout.filter(
      file =>
        file.path.startsWith('argocd/') &&
        file.path.endsWith('.yaml') &&
        file.path !== 'argocd/bootstrap.yaml',
    );
    expect(synced.map(file => file.path)).toEqual([
      'argocd/platform-project.yaml',
      'argocd/platform-applicationset.yaml',
      'argocd/applicationset.yaml',
    ]);
    for (const manifest of [
      ...synced.map(file => load(file.path)),
      yaml.load(tenantProject('payments', { repoURL }).content) as any,
    ]) {
      expect(project.spec.namespaceResourceWhitelist).toContainEqual({
        group: 'argoproj.io',
        kind: manifest.kind,
      });
      expect(manifest.metadata.namespace).toBeUndefined();
      expect(
        manifest.metadata.annotations['argocd.argoproj.io/sync-options'],
      ).toBe('Prune=false');
    }
  });

  it('ships the CRD the chart ships', () => {
    const chart = fs.readFileSync(
      path.resolve(
        __dirname,
        '../../../../charts/serviceclaim-operator/files/crds/serviceclaims.dbaas.io.yaml',
      ),
      'utf8',
    );
    const body = (text: string) => text.replace(/^(#.*\n)+/, '');
    expect(body(files.get(CRD_PATH)!)).toBe(body(chart));
  });

  it('has an ApplicationSet of one Application per PoP and tenant', () => {
    const appSet = load('argocd/applicationset.yaml');
    expect(appSet).toMatchObject({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      spec: { goTemplate: true },
    });
    const [clusters, directories] = appSet.spec.generators[0].matrix.generators;
    expect(clusters.clusters.selector.matchExpressions).toEqual([
      {
        key: 'dbaas.io/pop',
        operator: 'Exists',
      },
    ]);
    expect(directories.git).toEqual({
      repoURL,
      revision: 'main',
      directories: [{ path: 'tenants/*' }],
    });

    const app = appSet.spec.template;
    expect(app.metadata.name).toBe(
      '{{ index .metadata.labels "dbaas.io/pop" }}-{{ .path.basename }}',
    );
    expect(app.spec.source).toEqual({
      repoURL,
      targetRevision: 'main',
      path: '{{ .path.path }}',
    });
    expect(app.spec.destination).toEqual({
      server: '{{ .server }}',
      namespace: 'tenant-{{ .path.basename }}',
    });
    expect(app.spec.syncPolicy.automated).toEqual({
      prune: true,
      selfHeal: true,
    });
    expect(app.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  });

  it('syncs a claim into the namespace its manifest names', () => {
    // The Application's namespace is tenant-{folder}; the manifest's is
    // tenantNamespace(tenant). They must agree or Argo CD refuses the claim.
    for (const tenant of [
      'group:default/payments',
      'group:data-platform/Core_Team.EU',
    ]) {
      const folder = claimFilePath(tenant, 'orders').split('/')[1];
      expect(`tenant-${folder}`).toBe(tenantNamespace(tenant));
    }
  });

  it("confines each tenant's Applications to ServiceClaims in its own namespace, from this repository", () => {
    const project = tenantProject('payments', { repoURL });
    expect(project).toMatchObject({
      path: 'argocd/tenants/payments.yaml',
      generated: true,
    });
    expect(tenantProjectPath('payments')).toBe(project.path);
    const manifest = yaml.load(project.content) as any;
    // The project the ApplicationSet names for the folder tenants/payments.
    expect(
      load('argocd/applicationset.yaml').spec.template.spec.project.replace(
        '{{ .path.basename }}',
        'payments',
      ),
    ).toBe(manifest.metadata.name);
    expect(manifest).toMatchObject({
      kind: 'AppProject',
      metadata: {
        name: 'dbaas-tenant-payments',
        finalizers: ['resources-finalizer.argocd.argoproj.io'],
      },
    });
    expect(manifest.spec).toEqual({
      description: expect.any(String),
      sourceRepos: [repoURL],
      destinations: [{ server: '*', namespace: 'tenant-payments' }],
      clusterResourceWhitelist: [
        { group: '', kind: 'Namespace', name: 'tenant-payments' },
      ],
      namespaceResourceWhitelist: [{ group: 'dbaas.io', kind: 'ServiceClaim' }],
    });
  });

  it.each([
    ['tenant-*'],
    ['Payments'],
    ['payments\nspec: {}'],
    ['-payments'],
    ['a'.repeat(57)],
  ])('makes no project for the folder %j, which no tenant has', tenant => {
    expect(() => tenantProject(tenant, { repoURL })).toThrow(
      /is not a tenant's slug/,
    );
  });

  it('retries a failed sync with the newest commit, at least once a minute', () => {
    const [, bootstrap] = loadAll('argocd/bootstrap.yaml');
    for (const syncPolicy of [
      load('argocd/applicationset.yaml').spec.template.spec.syncPolicy,
      load('argocd/platform-applicationset.yaml').spec.template.spec.syncPolicy,
      bootstrap.spec.syncPolicy,
    ]) {
      expect(syncPolicy.retry).toEqual({
        limit: -1,
        refresh: true,
        backoff: { duration: '5s', factor: 2, maxDuration: '1m' },
      });
    }
  });

  it('lets the platform Applications put anything on a PoP cluster but a ServiceClaim', () => {
    const project = load('argocd/platform-project.yaml');
    expect(
      load('argocd/platform-applicationset.yaml').spec.template.spec.project,
    ).toBe(project.metadata.name);
    expect(project.metadata.name).toBe('dbaas-platform');
    expect(project.spec).toEqual({
      description: expect.any(String),
      sourceRepos: [repoURL],
      destinations: [{ server: '*', namespace: '*' }],
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      namespaceResourceBlacklist: [{ group: 'dbaas.io', kind: 'ServiceClaim' }],
    });
  });

  it('syncs every PoP overlay to its cluster', () => {
    const appSet = load('argocd/platform-applicationset.yaml');
    expect(appSet.spec.generators[0].clusters.selector).toEqual(
      load('argocd/applicationset.yaml').spec.generators[0].matrix.generators[0]
        .clusters.selector,
    );
    expect(appSet.spec.template.spec.source.path).toBe(
      'overlays/{{ index .metadata.labels "dbaas.io/pop" }}',
    );
  });
});

// Argo CD reads these files as its own CRDs' objects; a field the CRD does not
// have is dropped by the apiserver without a word (a retry that never
// refreshes). The apiserver, with Argo CD's CRDs from shared/crds, is the judge.
describeWithServices(
  ['kube'],
  "the generated Argo CD resources, on a kube-apiserver with Argo CD's CRDs",
  env => {
    const kc = kubeConfigFrom(env);
    const objects = kc.makeApiClient(CustomObjectsApi);
    const core = kc.makeApiClient(CoreV1Api);
    // The apiserver outlives test runs: every run gets its own namespace.
    const namespace = `argocd-layout-${Date.now().toString(36)}`;
    const plurals: Record<string, string> = {};

    beforeAll(async () => {
      const crds = await installCrds(
        kc,
        loadCrds().filter(c => c.crd.spec.group === 'argoproj.io'),
      );
      for (const { crd } of crds) {
        plurals[crd.spec.names.kind] = crd.spec.names.plural;
      }
      await core.createNamespace({ body: { metadata: { name: namespace } } });
    }, 60_000);

    afterAll(async () => {
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    });

    /** Creates the object as a dry run, refusing any field the CRD lacks. */
    const dryRun = (manifest: any) =>
      objects.createNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace,
        plural: plurals[manifest.kind],
        body: { ...manifest, metadata: { ...manifest.metadata, namespace } },
        dryRun: 'All',
        fieldValidation: 'Strict',
      });

    // With the platform too: its ApplicationSets, and the platform project
    // admitting the charts' repositories.
    const withPlatform = gitopsLayout(POPS, {
      repoURL,
      branch: 'main',
      platform: platformFromConfig(
        mockServices.rootConfig({
          data: {
            dbaas: {
              gitops: {
                platform: { chartRepository: 'https://charts.example.com' },
              },
            },
          },
        }),
      ),
    }).filter(
      file =>
        file.path === 'argocd/platform-project.yaml' || !files.has(file.path),
    );
    const manifests = [
      ...[...layout, ...withPlatform]
        .filter(file => file.path.startsWith('argocd/'))
        .filter(file => file.path.endsWith('.yaml'))
        .flatMap(file =>
          yaml
            .loadAll(file.content)
            .map((manifest: any) => [file.path, manifest] as const),
        ),
      [
        tenantProjectPath('payments'),
        yaml.load(tenantProject('payments', { repoURL }).content),
      ] as const,
    ];

    it('has the CRDs of every kind it writes', () => {
      expect(manifests.map(([, m]: any) => m.kind).sort()).toEqual([
        'AppProject',
        'AppProject',
        'AppProject',
        'AppProject',
        'Application',
        ...Array(
          2 +
            2 +
            ENGINE_OPERATOR_CHARTS.length /* tenants, platform; operator, portal; engines */,
        ).fill('ApplicationSet'),
      ]);
      for (const [, manifest] of manifests as any) {
        expect(plurals[manifest.kind]).toBeDefined();
      }
    });

    it.each(manifests.map(([file, m]: any) => [file, m.kind, m] as const))(
      '%s: the %s is accepted as it is, with no field dropped',
      async (_file, _kind, manifest) => {
        const created = await dryRun(manifest);
        expect(created.spec).toEqual(manifest.spec);
      },
    );

    it('would refuse a field Argo CD does not have (the check above can fail)', async () => {
      const appSet = load('argocd/applicationset.yaml');
      const misspelt = structuredClone(appSet);
      misspelt.spec.template.spec.syncPolicy.retry.refreshh = true;
      await expect(dryRun(misspelt)).rejects.toMatchObject({ code: 400 });
    });
  },
);
