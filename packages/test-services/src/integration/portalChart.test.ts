import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { CoreV1Api, KubernetesObjectApi } from '@kubernetes/client-node';
import { GRAFANA_DASHBOARD_UIDS } from '@internal/backstage-plugin-dbaas-common';
import { describeWithServices } from '../describeWithServices';
import { describeWithHelm } from '../helm/describeWithHelm';
import {
  type Manifest,
  dryRunFailures,
  lintProblems,
  helmTemplate,
  onlyManifest,
  runHelm,
} from '../helm/helmTemplate';
import { valuesDocumentation } from '../helm/valuesDocumentation';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { portalArgoCdRole } from '../loop/portalArgoCdRole';
import { portalRequiredValues } from '../helm/portalChartValues';
import { repoRoot } from '../repoRoot';

jest.setTimeout(120_000);

const chartDir = path.join(repoRoot, 'charts/dbaas-portal');

/** What the schema requires, and nothing more. */
const required = portalRequiredValues;

/** Every feature on, over `required`; Argo CD reached as the portal's own account. */
const everything = {
  baseUrl: '',
  ingress: {
    enabled: true,
    className: 'nginx',
    host: 'dbaas.example.com',
    tls: { secretName: 'dbaas-tls' },
  },
  gitops: {
    codeHost: {
      type: 'github',
      host: 'github.com',
      existingSecret: 'portal-github',
    },
    argocd: { enabled: true },
  },
  clusters: [
    {
      name: 'lagos',
      url: 'https://lagos.k8s.example.com:6443',
      caData: 'TGFnb3MgQ0EK',
      existingSecret: 'portal-clusters',
      tokenKey: 'lagos',
    },
    {
      name: 'frankfurt-2',
      url: 'https://frankfurt.k8s.example.com:6443',
      existingSecret: 'portal-frankfurt',
    },
  ],
  audit: { kafka: { brokers: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'] } },
  alerts: {
    sources: [
      {
        subject: 'alertmanager-lagos',
        pops: ['lagos'],
        existingSecret: 'portal-alertmanagers',
        tokenKey: 'lagos',
      },
    ],
  },
  prometheusUrl: 'http://prometheus.monitoring:9090',
  quotas: { default: { instances: 5 }, ceiling: { instances: 50, cpu: 128 } },
  metrics: { serviceMonitor: { enabled: true } },
};

/** Argo CD on another cluster, with a token. */
const argoCdElsewhere = {
  gitops: {
    argocd: {
      enabled: true,
      cluster: {
        url: 'https://management.k8s.example.com:6443',
        existingSecret: 'portal-argocd',
      },
    },
  },
};

let valuesDir: string | undefined;
let valuesFiles = 0;

/** `-f` arguments for these layers of values, later ones over earlier ones. */
function valuesArgs(...layers: object[]): string[] {
  valuesDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'portal-chart-'));
  return layers.flatMap(layer => {
    const file = path.join(valuesDir!, `values-${valuesFiles++}.yaml`);
    fs.writeFileSync(file, yaml.dump(layer));
    return ['-f', file];
  });
}

afterAll(() => {
  if (valuesDir) fs.rmSync(valuesDir, { recursive: true, force: true });
});

function render(
  helm: string,
  layers: object[],
  namespace = 'dbaas',
): Manifest[] {
  return helmTemplate(helm, [
    'portal',
    chartDir,
    '--namespace',
    namespace,
    ...valuesArgs(required, ...layers),
  ]);
}

function containerOf(manifests: Manifest[]) {
  return onlyManifest(manifests, 'Deployment').spec.template.spec.containers[0];
}

/** The chart's app-config layer, parsed. */
function appConfigOf(manifests: Manifest[]): any {
  const configMap = onlyManifest(manifests, 'ConfigMap', '-app-config');
  return yaml.load(configMap.data['app-config.chart.yaml']);
}

/** name → literal value, or the Secret a variable comes from. */
function envOf(manifests: Manifest[]): Record<string, unknown> {
  return Object.fromEntries(
    containerOf(manifests).env.map((e: any) => [
      e.name,
      e.valueFrom?.secretKeyRef ?? e.value,
    ]),
  );
}

/** Every leaf of a parsed YAML tree with its path. */
function leaves(
  node: unknown,
  at: (string | number)[] = [],
): { path: (string | number)[]; value: unknown }[] {
  if (Array.isArray(node)) {
    return node.flatMap((child, index) => leaves(child, [...at, index]));
  }
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([key, child]) =>
      leaves(child, [...at, key]),
    );
  }
  return [{ path: at, value: node }];
}

/** The ${VARIABLES} a config value substitutes. */
function variablesIn(value: unknown): string[] {
  return typeof value === 'string'
    ? [...value.matchAll(/\$\{([^}:]+)\}/g)].map(m => m[1].trim())
    : [];
}

describeWithHelm('charts/dbaas-portal', helm => {
  it('passes helm lint --strict', () => {
    expect(lintProblems(helm, chartDir, valuesArgs(required))).toEqual([]);
  });

  it.each([
    [
      'PostgreSQL has no host',
      ['--set', 'postgresql.host='],
      '/postgresql/host',
    ],
    [
      "the Keycloak client's Secret is not named",
      ['--set', 'auth.keycloak.existingSecret='],
      '/auth/keycloak/existingSecret',
    ],
    [
      'the session Secret is not named',
      ['--set', 'auth.session.existingSecret='],
      '/auth/session/existingSecret',
    ],
    [
      'there is neither a baseUrl nor an Ingress',
      ['--set', 'baseUrl='],
      '/baseUrl',
    ],
    [
      'replicaCount is not a number',
      ['--set-string', 'replicaCount=two'],
      '/replicaCount',
    ],
    [
      'a top-level key is unknown',
      ['--set', 'replicas=3'],
      "additional properties 'replicas'",
    ],
    [
      "a cluster's token is a value rather than a Secret",
      [
        '--set',
        'clusters[0].name=lagos,clusters[0].url=https://lagos:6443,clusters[0].existingSecret=s,clusters[0].token=abc',
      ],
      "additional properties 'token'",
    ],
    [
      'a PoP cluster names no Secret',
      ['--set', 'clusters[0].name=lagos,clusters[0].url=https://lagos:6443'],
      "missing property 'existingSecret'",
    ],
    [
      'the code host integration names no Secret',
      ['--set', 'gitops.codeHost.type=github,gitops.codeHost.host=github.com'],
      '/gitops/codeHost/existingSecret',
    ],
    [
      'pull requests are asked for without a code host',
      ['--set', 'gitops.remote.mode=pullRequest'],
      '/gitops/codeHost/type',
    ],
    [
      'the GitOps repository has no push credentials',
      ['--set', 'gitops.remote.token.existingSecret='],
      '/gitops/remote/token/existingSecret',
    ],
    [
      "Argo CD's cluster names no token Secret",
      [
        '--set',
        'gitops.argocd.enabled=true,gitops.argocd.cluster.url=https://management:6443',
      ],
      '/gitops/argocd/cluster/existingSecret',
    ],
    [
      'the Ingress has TLS without a certificate Secret',
      ['--set', 'ingress.enabled=true,ingress.host=dbaas.example.com'],
      '/ingress/tls/secretName',
    ],
    [
      'the TLS mode is not one of PGSSLMODE',
      ['--set', 'postgresql.sslMode=on'],
      '/postgresql/sslMode',
    ],
    [
      'the pull policy is not one of Kubernetes',
      ['--set', 'image.pullPolicy=Sometimes'],
      '/image/pullPolicy',
    ],
  ])('rejects values where %s, by the schema', (_title, args, field) => {
    const result = runHelm(helm, [
      'template',
      'portal',
      chartDir,
      ...valuesArgs(required),
      ...args,
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("don't meet the specifications");
    expect(result.stderr).toContain(field);
  });

  it("trusts the sign-in realm's keys for scripts' tokens, for the DBaaS plugin only", () => {
    const layer = appConfigOf(
      render(helm, [
        everything,
        { apiClients: { keycloak: { enabled: true } } },
      ]),
    );
    const realm = 'https://keycloak.example.com/realms/dbaas';
    expect(layer.backend.auth.externalAccess).toContainEqual({
      type: 'jwks',
      options: {
        url: `${realm}/protocol/openid-connect/certs`,
        issuer: realm,
        algorithm: 'RS256',
        audience: 'dbaas-api',
        subjectPrefix: 'keycloak',
      },
      accessRestrictions: [{ plugin: 'dbaas' }],
    });
    // The Alertmanagers' tokens stay beside it.
    expect(layer.backend.auth.externalAccess).toHaveLength(2);
    expect(layer.dbaas.apiClients).toEqual({ subjectPrefixes: ['keycloak'] });
    expect(appConfigOf(render(helm, [everything])).dbaas.apiClients).toBe(
      undefined,
    );
    const result = runHelm(helm, [
      'template',
      'portal',
      chartDir,
      ...valuesArgs(required, {
        auth: { keycloak: { metadataUrl: `${realm}/metadata` } },
        apiClients: { keycloak: { enabled: true } },
      }),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'auth.keycloak.metadataUrl must end in /.well-known/openid-configuration',
    );
  });

  it("reads organizations from the sign-in realm with the catalog's client, instead of catalog/org.yaml", () => {
    const manifests = render(helm, [
      everything,
      {
        organizations: {
          keycloak: {
            enabled: true,
            clientId: 'dbaas-catalog',
            existingSecret: 'portal-keycloak-catalog',
          },
        },
      },
    ]);
    const layer = appConfigOf(manifests);
    expect(layer.catalog).toEqual({
      locations: [
        {
          type: 'file',
          target: './catalog/portal.yaml',
          rules: [
            {
              allow: [
                'Location',
                'System',
                'Domain',
                'Template',
                'API',
                'Resource',
              ],
            },
          ],
        },
      ],
      providers: {
        keycloakOrg: {
          default: {
            baseUrl: 'https://keycloak.example.com',
            realm: 'dbaas',
            loginRealm: 'dbaas',
            clientId: 'dbaas-catalog',
            clientSecret: '${KEYCLOAK_CATALOG_SECRET}',
            briefRepresentation: false,
            schedule: { frequency: { minutes: 5 }, timeout: { minutes: 3 } },
          },
        },
      },
    });
    expect(envOf(manifests).KEYCLOAK_CATALOG_SECRET).toEqual({
      name: 'portal-keycloak-catalog',
      key: 'client-secret',
    });
    // Off by default: the image's catalog/all.yaml, with catalog/org.yaml.
    expect(appConfigOf(render(helm, [everything])).catalog).toBe(undefined);
    const result = runHelm(helm, [
      'template',
      'portal',
      chartDir,
      ...valuesArgs(required, {
        organizations: { keycloak: { enabled: true, clientId: 'c' } },
      }),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/organizations/keycloak/existingSecret');
  });

  it('refuses two clusters of the same name', () => {
    const result = runHelm(helm, [
      'template',
      'portal',
      chartDir,
      ...valuesArgs(required, {
        clusters: [
          { name: 'lagos', url: 'https://a:6443', existingSecret: 'a' },
          { name: 'lagos', url: 'https://b:6443', existingSecret: 'b' },
        ],
      }),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('two clusters are named "lagos"');
  });

  it('documents every value with a `# --` comment, in values.yaml and the README', () => {
    expect(valuesDocumentation(chartDir)).toEqual({
      undocumented: [],
      missingFromReadme: [],
    });
  });

  describe('dashboard', () => {
    const dashboardConfigMaps = (layers: object[]) =>
      render(helm, layers).filter(
        m =>
          m.kind === 'ConfigMap' && !m.metadata?.name?.endsWith('-app-config'),
      );

    it('renders none unless dashboards.enabled', () => {
      expect(dashboardConfigMaps([everything])).toEqual([]);
    });

    it("renders the portal's dashboard in a ConfigMap labelled for Grafana's sidecar", () => {
      const [configMap, ...more] = dashboardConfigMaps([
        everything,
        {
          dashboards: {
            enabled: true,
            annotations: { grafana_folder: 'DBaaS' },
          },
        },
      ]);
      expect(more).toEqual([]);
      expect(configMap.metadata!.namespace).toBe('dbaas');
      expect(configMap.metadata!.labels).toMatchObject({
        grafana_dashboard: '1',
      });
      expect(configMap.metadata!.annotations).toEqual({
        grafana_folder: 'DBaaS',
      });
      const file = `${GRAFANA_DASHBOARD_UIDS.portal}.json`;
      expect(Object.keys(configMap.data)).toEqual([file]);
      // The committed JSON as it is, and valid: Grafana loads it by its uid.
      expect(`${configMap.data[file]}\n`).toBe(
        fs.readFileSync(path.join(chartDir, 'dashboards', file), 'utf8'),
      );
      const dashboard = JSON.parse(configMap.data[file]);
      expect(dashboard.uid).toBe(GRAFANA_DASHBOARD_UIDS.portal);
      expect(dashboard.panels.length).toBeGreaterThan(0);
    });

    it("takes the sidecar's label and Grafana's namespace from the values", () => {
      const [configMap] = dashboardConfigMaps([
        {
          dashboards: {
            enabled: true,
            labels: { grafana_dashboard: null, 'dbaas-dashboard': 'portal' },
            namespace: 'monitoring',
          },
        },
      ]);
      expect(configMap.metadata!.namespace).toBe('monitoring');
      expect(configMap.metadata!.labels).toMatchObject({
        'dbaas-dashboard': 'portal',
      });
      expect(configMap.metadata!.labels).not.toHaveProperty(
        'grafana_dashboard',
      );
      const refused = runHelm(helm, [
        'template',
        'portal',
        chartDir,
        ...valuesArgs(required, { dashboards: { folder: 'DBaaS' } }),
      ]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("additional properties 'folder'");
    });
  });

  describe('Deployment', () => {
    let manifests: Manifest[];
    let deployment: Manifest;
    let pod: any;
    let container: any;
    beforeAll(() => {
      manifests = render(helm, []);
      deployment = onlyManifest(manifests, 'Deployment');
      pod = deployment.spec.template.spec;
      container = pod.containers[0];
    });

    it('runs 2 replicas spread over nodes, one evicted at a time', () => {
      expect(deployment.spec.replicas).toBe(2);
      const term =
        pod.affinity.podAntiAffinity
          .preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(term.topologyKey).toBe('kubernetes.io/hostname');
      expect(term.labelSelector.matchLabels).toEqual(
        deployment.spec.selector.matchLabels,
      );
      const pdb = onlyManifest(manifests, 'PodDisruptionBudget');
      expect(pdb.spec).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: deployment.spec.selector.matchLabels },
      });
      // Required spreading leaves no node for a surge pod: roll in place.
      const hard = onlyManifest(
        render(helm, [{ podAntiAffinity: 'hard' }]),
        'Deployment',
      ).spec;
      expect(
        hard.template.spec.affinity.podAntiAffinity
          .requiredDuringSchedulingIgnoredDuringExecution,
      ).toHaveLength(1);
      expect(hard.strategy.rollingUpdate).toEqual({
        maxSurge: 0,
        maxUnavailable: 1,
      });
    });

    it("probes Backstage's health endpoints on the backend's port", () => {
      expect(container.ports).toEqual([
        { name: 'http', containerPort: 7007, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9464, protocol: 'TCP' },
      ]);
      expect(container.startupProbe.httpGet).toEqual({
        path: '/.backstage/health/v1/liveness',
        port: 'http',
      });
      expect(container.livenessProbe.httpGet).toEqual({
        path: '/.backstage/health/v1/liveness',
        port: 'http',
      });
      expect(container.readinessProbe.httpGet).toEqual({
        path: '/.backstage/health/v1/readiness',
        port: 'http',
      });
      expect(envOf(manifests).DBAAS_METRICS_PORT).toBe('9464');
    });

    it('runs as uid 65532 under a restricted security context, writing only /tmp', () => {
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 65532,
        runAsGroup: 65532,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.volumeMounts).toEqual([
        { name: 'app-config', mountPath: '/app/config', readOnly: true },
        { name: 'tmp', mountPath: '/tmp' },
      ]);
      expect(pod.volumes).toEqual([
        {
          name: 'app-config',
          configMap: { name: 'portal-dbaas-portal-app-config' },
        },
        { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
      ]);
    });

    it("mounts the PoPs' token Secret where dbaas.pops.tokenDirectory points, read-only", () => {
      const layers = [{ popTokens: { existingSecret: 'dbaas-portal-pops' } }];
      const withTokens = render(helm, layers);
      const mounted = containerOf(withTokens);
      expect(mounted.volumeMounts).toContainEqual({
        name: 'pop-tokens',
        mountPath: '/var/run/secrets/dbaas/pops',
        readOnly: true,
      });
      expect(
        onlyManifest(withTokens, 'Deployment').spec.template.spec.volumes,
      ).toContainEqual({
        name: 'pop-tokens',
        secret: { secretName: 'dbaas-portal-pops' },
      });
      expect(appConfigOf(withTokens).dbaas.pops).toEqual({
        tokenDirectory: '/var/run/secrets/dbaas/pops',
      });
      // Without it: no mount and no directory.
      expect(appConfigOf(manifests).dbaas.pops).toBeUndefined();
    });

    it("loads the image's two config files, then the chart's layer", () => {
      expect(container.image).toBe('dbaas/portal:0.1.0');
      expect(container.command).toBeUndefined();
      expect(container.args).toEqual([
        '--config',
        'app-config.yaml',
        '--config',
        'app-config.production.yaml',
        '--config',
        '/app/config/app-config.chart.yaml',
      ]);
      const tagged = containerOf(
        render(helm, [
          { image: { repository: 'registry.example/dbaas/portal', tag: 'a1' } },
        ]),
      );
      expect(tagged.image).toBe('registry.example/dbaas/portal:a1');
    });

    it('rolls the pods when the config layer changes', () => {
      const checksum = (layers: object[]) =>
        onlyManifest(render(helm, layers), 'Deployment').spec.template.metadata
          .annotations['checksum/app-config'];
      expect(checksum([])).toBe(
        deployment.spec.template.metadata.annotations['checksum/app-config'],
      );
      expect(checksum([{ platformAdmins: ['group:default/dba'] }])).not.toBe(
        checksum([]),
      );
    });

    it('mounts a service account token only to reach Argo CD as itself', () => {
      const account = onlyManifest(manifests, 'ServiceAccount');
      expect(account.automountServiceAccountToken).toBe(false);
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(manifests.filter(m => /^Role/.test(m.kind!))).toEqual([]);

      const itself = render(helm, [everything], 'dbaas');
      const itselfPod = onlyManifest(itself, 'Deployment').spec.template.spec;
      expect(itselfPod.automountServiceAccountToken).toBe(true);
      // The Role docs/api.md tells a platform team to grant, in Argo CD's namespace.
      const documented = portalArgoCdRole('argocd').find(
        m => m.kind === 'Role',
      )!;
      const role = onlyManifest(itself, 'Role');
      expect(role.metadata!.namespace).toBe('argocd');
      expect(role.rules).toEqual(documented.rules);
      const binding = onlyManifest(itself, 'RoleBinding');
      expect(binding.metadata!.namespace).toBe('argocd');
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: role.metadata!.name,
      });
      expect(binding.subjects).toEqual([
        {
          kind: 'ServiceAccount',
          name: itselfPod.serviceAccountName,
          namespace: 'dbaas',
        },
      ]);

      const elsewhere = render(helm, [everything, argoCdElsewhere]);
      expect(
        onlyManifest(elsewhere, 'Deployment').spec.template.spec
          .automountServiceAccountToken,
      ).toBe(false);
      expect(elsewhere.filter(m => /^Role/.test(m.kind!))).toEqual([]);
    });
  });

  describe('secrets', () => {
    let manifests: Manifest[];
    beforeAll(() => {
      manifests = render(helm, [everything, argoCdElsewhere]);
    });

    it('takes every secret from a Secret', () => {
      const env = envOf(manifests);
      expect(env).toMatchObject({
        POSTGRES_PASSWORD: { name: 'portal-postgres', key: 'password' },
        AUTH_SESSION_SECRET: { name: 'portal-session', key: 'session-secret' },
        KEYCLOAK_CLIENT_SECRET: {
          name: 'portal-keycloak',
          key: 'client-secret',
        },
        DBAAS_GITOPS_TOKEN: { name: 'portal-gitops', key: 'push-token' },
        GITHUB_TOKEN: { name: 'portal-github', key: 'token' },
        DBAAS_ARGOCD_TOKEN: { name: 'portal-argocd', key: 'token' },
        DBAAS_CLUSTER_TOKEN_LAGOS: { name: 'portal-clusters', key: 'lagos' },
        DBAAS_CLUSTER_TOKEN_FRANKFURT_2: {
          name: 'portal-frankfurt',
          key: 'token',
        },
        DBAAS_ALERTMANAGER_TOKEN_ALERTMANAGER_LAGOS: {
          name: 'portal-alertmanagers',
          key: 'lagos',
        },
      });
      const literal = containerOf(manifests)
        .env.filter((e: any) => e.valueFrom === undefined)
        .map((e: any) => e.name);
      expect(
        literal.filter((name: string) => /SECRET|TOKEN|PASSWORD/.test(name)),
      ).toEqual([]);
    });

    it('writes no secret into a ConfigMap, only the variables that hold them', () => {
      const fromSecrets = new Set(
        containerOf(manifests)
          .env.filter((e: any) => e.valueFrom?.secretKeyRef)
          .map((e: any) => e.name),
      );
      const secretLeaves = manifests
        .filter(m => m.kind === 'ConfigMap')
        .flatMap(m =>
          Object.values(m.data ?? {}).flatMap(text =>
            leaves(yaml.load(text as string)),
          ),
        )
        .filter(({ path: at }) =>
          /token|secret|password|credential/i.test(String(at[at.length - 1])),
        );
      expect(secretLeaves.map(l => l.path.join('.')).sort()).toEqual([
        'backend.auth.externalAccess.0.options.token',
        'dbaas.gitops.argocd.cluster.serviceAccountToken',
        'dbaas.gitops.remote.token',
        'integrations.github.0.token',
        'kubernetes.clusterLocatorMethods.0.clusters.0.serviceAccountToken',
        'kubernetes.clusterLocatorMethods.0.clusters.1.serviceAccountToken',
      ]);
      for (const { path: at, value } of secretLeaves) {
        const [variable] = variablesIn(value);
        expect({ at: at.join('.'), value }).toEqual({
          at: at.join('.'),
          value: `\${${variable}}`,
        });
        expect(fromSecrets).toContain(variable);
      }
    });

    it('sets every variable the config layers name, or replaces the key', () => {
      // Backstage drops a key whose variable is unset, without a word.
      const env = envOf(manifests);
      const layer = appConfigOf(manifests);
      const unset = (config: unknown, set: Record<string, unknown> = env) =>
        leaves(config)
          .flatMap(({ path: at, value }) =>
            variablesIn(value).map(variable => ({ at, variable })),
          )
          .filter(({ variable }) => !(variable in set));
      expect(unset(layer)).toEqual([]);
      const production = yaml.load(
        fs.readFileSync(
          path.join(repoRoot, 'app-config.production.yaml'),
          'utf8',
        ),
      );
      // A list the chart's layer replaces as a whole (the Kafka brokers).
      const replaced = ({ at }: { at: (string | number)[] }) => {
        const key = at.slice(
          0,
          at.findIndex(p => typeof p === 'number'),
        );
        return (
          key.length > 0 &&
          key.reduce((node: any, part) => node?.[part], layer) !== undefined
        );
      };
      expect(
        unset(production)
          .filter(entry => !replaced(entry))
          .map(({ variable }) => variable),
      ).toEqual([]);
      // With the required values only, what is left unset is optional.
      const minimal = envOf(render(helm, []));
      expect(
        unset(production, minimal)
          .map(({ variable }) => variable)
          .sort(),
      ).toEqual(['DBAAS_KAFKA_BROKERS', 'DBAAS_PROMETHEUS_URL']);
    });
  });

  describe('app-config layer', () => {
    it("parses as YAML and carries the values, the address from the Ingress's host", () => {
      const manifests = render(helm, [everything]);
      const layer = appConfigOf(manifests);
      expect(layer.app.baseUrl).toBe('https://dbaas.example.com');
      expect(layer.backend).toMatchObject({
        baseUrl: 'https://dbaas.example.com',
        cors: { origin: 'https://dbaas.example.com' },
        lifecycle: { serverShutdownDelay: '5s' },
      });
      expect(envOf(manifests).APP_BASE_URL).toBe('https://dbaas.example.com');
      expect(layer.kubernetes.clusterLocatorMethods).toEqual([
        {
          type: 'config',
          clusters: [
            {
              name: 'lagos',
              url: 'https://lagos.k8s.example.com:6443',
              caData: 'TGFnb3MgQ0EK',
              authProvider: 'serviceAccount',
              serviceAccountToken: '${DBAAS_CLUSTER_TOKEN_LAGOS}',
            },
            {
              name: 'frankfurt-2',
              url: 'https://frankfurt.k8s.example.com:6443',
              authProvider: 'serviceAccount',
              serviceAccountToken: '${DBAAS_CLUSTER_TOKEN_FRANKFURT_2}',
            },
          ],
        },
      ]);
      expect(layer.dbaas).toEqual({
        gitops: {
          remote: {
            url: 'https://git.example.com/platform/gitops.git',
            branch: 'main',
            mode: 'commit',
            token: '${DBAAS_GITOPS_TOKEN}',
          },
          argocd: { namespace: 'argocd' },
        },
        permissions: { platformAdmins: ['group:default/platform'] },
        status: { watch: true },
        audit: {
          kafka: { brokers: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'] },
          retentionDays: 365,
        },
        alerts: {
          sources: [{ subject: 'alertmanager-lagos', pops: ['lagos'] }],
          retentionDays: 90,
        },
        quotas: {
          default: { instances: 5 },
          ceiling: { instances: 50, cpu: 128 },
        },
      });
      // Each Alertmanager's token opens the DBaaS plugin only.
      expect(layer.backend.auth).toEqual({
        externalAccess: [
          {
            type: 'static',
            options: {
              token: '${DBAAS_ALERTMANAGER_TOKEN_ALERTMANAGER_LAGOS}',
              subject: 'alertmanager-lagos',
            },
            accessRestrictions: [{ plugin: 'dbaas' }],
          },
        ],
      });
      expect(layer.integrations).toEqual({
        github: [{ host: 'github.com', token: '${GITHUB_TOKEN}' }],
      });
      // The production layer reads Prometheus' address from the environment.
      expect(envOf(manifests).DBAAS_PROMETHEUS_URL).toBe(
        'http://prometheus.monitoring:9090',
      );

      const plain = appConfigOf(
        render(helm, [everything, { ingress: { tls: { enabled: false } } }]),
      );
      expect(plain.app.baseUrl).toBe('http://dbaas.example.com');
      const explicit = appConfigOf(
        render(helm, [everything, { baseUrl: 'https://portal.example.org/' }]),
      );
      expect(explicit.backend.baseUrl).toBe('https://portal.example.org');
    });

    it('merges appConfig last: maps merge, values and lists replace, null removes', () => {
      const layer = appConfigOf(
        render(helm, [
          everything,
          {
            appConfig: {
              app: { title: 'Databases' },
              backend: { lifecycle: null },
              dbaas: {
                status: { watch: false },
                gitops: { remote: { branch: 'production' } },
                permissions: { platformAdmins: ['user:default/root'] },
              },
            },
          },
        ]),
      );
      expect(layer.app).toEqual({
        baseUrl: 'https://dbaas.example.com',
        title: 'Databases',
      });
      expect(layer.backend.lifecycle).toBeNull();
      expect(layer.dbaas.status.watch).toBe(false);
      expect(layer.dbaas.gitops.remote).toMatchObject({
        url: 'https://git.example.com/platform/gitops.git',
        branch: 'production',
      });
      expect(layer.dbaas.permissions.platformAdmins).toEqual([
        'user:default/root',
      ]);
    });
  });

  describe('network', () => {
    let manifests: Manifest[];
    beforeAll(() => {
      manifests = render(helm, [everything]);
    });

    it('routes the Ingress to the backend, over TLS', () => {
      const ingress = onlyManifest(manifests, 'Ingress');
      const service = onlyManifest(manifests, 'Service');
      expect(ingress.spec).toEqual({
        ingressClassName: 'nginx',
        tls: [{ hosts: ['dbaas.example.com'], secretName: 'dbaas-tls' }],
        rules: [
          {
            host: 'dbaas.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: service.metadata!.name,
                      port: { name: 'http' },
                    },
                  },
                },
              ],
            },
          },
        ],
      });
      expect(service.spec.ports).toEqual([
        { name: 'http', port: 7007, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: 9464, targetPort: 'metrics', protocol: 'TCP' },
      ]);
      const monitor = onlyManifest(manifests, 'ServiceMonitor');
      expect(monitor.spec.selector.matchLabels).toEqual(service.spec.selector);
      expect(monitor.spec.endpoints).toEqual([
        { port: 'metrics', path: '/metrics', interval: '30s' },
      ]);
    });

    it('admits the ingress controller to the backend and monitoring to the metrics, and leaves egress open', () => {
      const policy = onlyManifest(manifests, 'NetworkPolicy');
      expect(policy.spec.podSelector.matchLabels).toEqual(
        onlyManifest(manifests, 'Deployment').spec.selector.matchLabels,
      );
      expect(policy.spec.policyTypes).toEqual(['Ingress']);
      expect(policy.spec.ingress).toEqual([
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' },
              },
            },
          ],
          ports: [{ port: 7007, protocol: 'TCP' }],
        },
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
              },
            },
          ],
          ports: [{ port: 9464, protocol: 'TCP' }],
        },
      ]);
      expect(policy.spec.egress).toBeUndefined();
    });

    it('restricts egress to the rules given, and DNS', () => {
      const rule = { to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] };
      const policy = onlyManifest(
        render(helm, [everything, { networkPolicy: { egress: [rule] } }]),
        'NetworkPolicy',
      );
      expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(policy.spec.egress).toEqual([
        {
          ports: [
            { port: 53, protocol: 'UDP' },
            { port: 53, protocol: 'TCP' },
          ],
        },
        rule,
      ]);
    });
  });
});

describeWithHelm('charts/dbaas-portal on a kube-apiserver', helm => {
  describeWithServices(['kube'], 'server-side', env => {
    const kc = kubeConfigFrom(env);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const suffix = Date.now().toString(36);
    // The pods' namespace enforces the `restricted` Pod Security Standard.
    const namespace = `portal-proof-${suffix}`;
    const argocd = `argocd-${suffix}`;
    let manifests: Manifest[] = [];

    beforeAll(async () => {
      await installCrds(
        kc,
        loadCrds().filter(
          ({ crd }) => crd.spec.group === 'monitoring.coreos.com',
        ),
      );
      await core.createNamespace({
        body: {
          metadata: {
            name: namespace,
            labels: {
              'pod-security.kubernetes.io/enforce': 'restricted',
              'pod-security.kubernetes.io/enforce-version': 'latest',
            },
          },
        },
      });
      await core.createNamespace({ body: { metadata: { name: argocd } } });
      manifests = render(
        helm,
        [
          everything,
          {
            gitops: { argocd: { namespace: argocd } },
            networkPolicy: {
              egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }],
            },
          },
        ],
        namespace,
      );
    });

    afterAll(async () => {
      for (const name of [namespace, argocd]) {
        await core.deleteNamespace({ name }).catch(() => undefined);
      }
    });

    it('accepts every rendered manifest in a server-side dry run', async () => {
      expect(manifests.map(m => m.kind).sort()).toEqual([
        'ConfigMap',
        'Deployment',
        'Ingress',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Role',
        'RoleBinding',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ]);
      expect(await dryRunFailures(objects, manifests)).toEqual([]);
    });

    it('runs its pod under the restricted Pod Security Standard', async () => {
      const template = onlyManifest(manifests, 'Deployment').spec.template;
      const asPod = (spec: any) =>
        core.createNamespacedPod({
          namespace,
          dryRun: 'All',
          body: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: {
              name: `portal-${suffix}`,
              labels: template.metadata.labels,
            },
            spec,
          },
        });
      await expect(asPod(template.spec)).resolves.toMatchObject({
        metadata: { namespace },
      });
      // The admission does enforce: the same pod with root's capabilities is refused.
      const [container] = template.spec.containers;
      await expect(
        asPod({
          ...template.spec,
          containers: [
            {
              ...container,
              securityContext: {
                ...container.securityContext,
                capabilities: { add: ['NET_ADMIN'] },
              },
            },
          ],
        }),
      ).rejects.toMatchObject({
        code: 403,
        body: expect.stringMatching(/violates PodSecurity .*restricted:latest/),
      });
    });
  });
});
