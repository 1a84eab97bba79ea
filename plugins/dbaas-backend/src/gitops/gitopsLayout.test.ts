import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  claimFilePath,
  skuCatalog,
  tenantNamespace,
} from '@internal/backstage-plugin-dbaas-common';
import { CRD_PATH, gitopsLayout } from './gitopsLayout';

const repoURL = 'https://git.example.com/platform/dbaas-gitops.git';
const layout = gitopsLayout(skuCatalog, { repoURL, branch: 'main' });
const files = new Map(layout.map(file => [file.path, file.content]));

function load(filePath: string): any {
  const content = files.get(filePath);
  if (content === undefined) throw new Error(`${filePath} is not laid out`);
  return yaml.load(content);
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
      'argocd/project.yaml',
      'argocd/platform-applicationset.yaml',
      'argocd/applicationset.yaml',
    ]);
    for (const file of layout) {
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

  it('parses: every YAML file is one valid document', () => {
    const yamlFiles = layout.filter(file => file.path.endsWith('.yaml'));
    expect(yamlFiles.length).toBeGreaterThan(5);
    for (const file of yamlFiles) {
      expect(yaml.loadAll(file.content)).toHaveLength(1);
    }
  });

  it('has an overlay for every PoP of the catalog, each building on base', () => {
    for (const region of skuCatalog.regions) {
      const overlay = `overlays/${region.id}/kustomization.yaml`;
      expect(load(overlay).resources).toEqual(['../../base']);
      expect(files.has(resolve(overlay, '../../base'))).toBe(true);
    }
  });

  it('only refers to files that are there', () => {
    for (const kustomization of [
      'base/kustomization.yaml',
      'argocd/kustomization.yaml',
    ]) {
      for (const resource of load(kustomization).resources) {
        expect(files.has(resolve(kustomization, resource))).toBe(true);
      }
    }
  });

  it('ships the CRD the chart ships', () => {
    const chart = fs.readFileSync(
      path.resolve(
        __dirname,
        '../../../../charts/serviceclaim-operator/crds/serviceclaims.dbaas.io.yaml',
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
        operator: 'In',
        values: skuCatalog.regions.map(region => region.id),
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

  it('lets tenant Applications create only ServiceClaims, from this repository', () => {
    const project = load('argocd/project.yaml');
    expect(load('argocd/applicationset.yaml').spec.template.spec.project).toBe(
      project.metadata.name,
    );
    expect(project.spec).toMatchObject({
      sourceRepos: [repoURL],
      destinations: [{ server: '*', namespace: 'tenant-*' }],
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }],
      namespaceResourceWhitelist: [{ group: 'dbaas.io', kind: 'ServiceClaim' }],
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
