import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import {
  GRAFANA_DASHBOARD_UIDS,
  POP_ID_JSON_SCHEMA,
  popIdSchema,
} from '@internal/backstage-plugin-dbaas-common';
import { EXAMPLE_POP_IDS } from '@internal/backstage-plugin-dbaas-common/testUtils';
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
import { repoRoot } from '../repoRoot';

jest.setTimeout(120_000);

const chartDir = path.join(repoRoot, 'charts/serviceclaim-operator');

type Rule = {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
};

function render(helm: string, ...sets: string[]): Manifest[] {
  return helmTemplate(helm, [
    'sco',
    chartDir,
    '--namespace',
    'dbaas-system',
    '--set',
    'pop=lagos',
    ...sets.flatMap(set => ['--set', set]),
  ]);
}

/** "group/resource" → sorted verbs, merged over the rules that name it. */
function verbsByResource(rules: Rule[]): Record<string, string[]> {
  const table: Record<string, Set<string>> = {};
  for (const rule of rules) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const key = `${group || 'core'}/${resource}`;
        table[key] = table[key] ?? new Set();
        rule.verbs.forEach(verb => table[key].add(verb));
      }
    }
  }
  return Object.fromEntries(
    Object.entries(table).map(([key, verbs]) => [key, [...verbs].sort()]),
  );
}

const engineVerbs = ['create', 'delete', 'get', 'list', 'patch', 'watch'];

// What the operator renders into the tenants' namespaces, as group/plural.
const renderedKinds = [
  'operator.yugabyte.io/ybuniverses',
  'operator.yugabyte.io/backupschedules',
  'operator.yugabyte.io/backups',
  'operator.yugabyte.io/storageconfigs',
  'planetscale.com/vitessclusters',
  'planetscale.com/vitessbackupschedules',
  'scylla.scylladb.com/scyllaclusters',
  'dragonflydb.io/dragonflies',
  'asdb.aerospike.com/aerospikeclusters',
  'asdb.aerospike.com/aerospikebackups',
  'asdb.aerospike.com/aerospikebackupservices',
  'psmdb.percona.com/perconaservermongodbs',
  'psmdb.percona.com/perconaservermongodbbackups',
  'psmdb.percona.com/perconaservermongodbrestores',
  'postgresql.cnpg.io/clusters',
  'postgresql.cnpg.io/scheduledbackups',
  'postgresql.cnpg.io/backups',
  'barmancloud.cnpg.io/objectstores',
  'cert-manager.io/certificates',
  'networking.k8s.io/networkpolicies',
  'monitoring.coreos.com/servicemonitors',
  'monitoring.coreos.com/podmonitors',
  'core/configmaps',
  'batch/jobs',
];

describeWithHelm('charts/serviceclaim-operator', helm => {
  it('passes helm lint --strict', () => {
    expect(lintProblems(helm, chartDir, ['--set', 'pop=lagos'])).toEqual([]);
  });

  it.each([
    ['pop is missing', [], '/pop'],
    ['pop is not a PoP id', ['--set', 'pop=Paris_1'], '/pop'],
    [
      'replicaCount is not a number',
      ['--set', 'pop=lagos', '--set-string', 'replicaCount=two'],
      '/replicaCount',
    ],
    [
      'a top-level key is unknown',
      ['--set', 'pop=lagos', '--set', 'replicas=3'],
      "additional properties 'replicas'",
    ],
    [
      'two replicas run without leader election',
      ['--set', 'pop=lagos', '--set', 'leaderElection.enabled=false'],
      '/replicaCount',
    ],
    [
      'the pull policy is not one of Kubernetes',
      ['--set', 'pop=lagos', '--set', 'image.pullPolicy=Sometimes'],
      '/image/pullPolicy',
    ],
  ])('rejects values where %s, by the schema', (_title, args, field) => {
    const result = runHelm(helm, ['template', 'sco', chartDir, ...args]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("don't meet the specifications");
    expect(result.stderr).toContain(field);
  });

  it('refuses a grace period the drain deadline does not fit in', () => {
    const result = runHelm(helm, [
      'template',
      'sco',
      chartDir,
      '--set',
      'pop=lagos',
      '--set',
      'drainSeconds=60',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'terminationGracePeriodSeconds must exceed drainSeconds',
    );
  });

  it('documents every value with a `# --` comment, in values.yaml and the README', () => {
    expect(valuesDocumentation(chartDir)).toEqual({
      undocumented: [],
      missingFromReadme: [],
    });
  });

  it('accepts as pop any PoP id the portal accepts, and nothing else', () => {
    const schema = JSON.parse(
      fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'),
    );
    expect(schema.properties.pop).toMatchObject(POP_ID_JSON_SCHEMA);
    const pattern = new RegExp(POP_ID_JSON_SCHEMA.pattern);
    for (const id of [...EXAMPLE_POP_IDS, 'nairobi', 'us-east-2']) {
      expect(popIdSchema.safeParse(id).success).toBe(true);
      expect(pattern.test(id)).toBe(true);
    }
    for (const id of ['Lagos', 'lagos_1', '-lagos', '2lagos', '']) {
      expect(popIdSchema.safeParse(id).success).toBe(false);
      expect(pattern.test(id)).toBe(false);
    }
  });

  it('renders the generated CRD, kept by helm uninstall, unless crds.install is false', () => {
    const generated = yaml.load(
      fs.readFileSync(
        path.join(chartDir, 'files/crds/serviceclaims.dbaas.io.yaml'),
        'utf8',
      ),
    ) as Manifest;
    const crd = onlyManifest(render(helm), 'CustomResourceDefinition');
    expect(crd.metadata!.name).toBe(generated.metadata!.name);
    expect(crd.spec).toEqual(generated.spec);
    expect(crd.metadata!.annotations).toEqual({
      'helm.sh/resource-policy': 'keep',
    });
    expect(render(helm, 'crds.install=false').map(m => m.kind)).not.toContain(
      'CustomResourceDefinition',
    );
    // Helm would create a CRD in crds/ unowned before the templates, and the
    // install would then refuse the template's copy.
    expect(fs.existsSync(path.join(chartDir, 'crds'))).toBe(false);
  });

  describe('dashboards', () => {
    const shipped = fs
      .readdirSync(path.join(chartDir, 'dashboards'))
      .filter(name => name.endsWith('.json'))
      .sort();
    const configMaps = (...sets: string[]) =>
      render(helm, ...sets).filter(m => m.kind === 'ConfigMap');

    it('renders none unless dashboards.enabled', () => {
      expect(configMaps()).toEqual([]);
    });

    it("renders each engine's and the tenants' dashboard in a ConfigMap labelled for Grafana's sidecar", () => {
      const rendered = configMaps(
        'dashboards.enabled=true',
        'dashboards.annotations.grafana_folder=DBaaS',
      );
      expect(rendered.flatMap(cm => Object.keys(cm.data)).sort()).toEqual(
        shipped,
      );
      const uids: string[] = [];
      for (const configMap of rendered) {
        expect(configMap.metadata!.namespace).toBe('dbaas-system');
        expect(configMap.metadata!.labels).toMatchObject({
          grafana_dashboard: '1',
        });
        expect(configMap.metadata!.annotations).toEqual({
          grafana_folder: 'DBaaS',
        });
        const [[file, json]] = Object.entries(configMap.data) as [
          string,
          string,
        ][];
        // The committed JSON as it is, and valid: Grafana loads it by its uid.
        expect(`${json}\n`).toBe(
          fs.readFileSync(path.join(chartDir, 'dashboards', file), 'utf8'),
        );
        const dashboard = JSON.parse(json);
        expect(dashboard.uid).toBe(file.replace(/\.json$/, ''));
        expect(dashboard.panels.length).toBeGreaterThan(0);
        uids.push(dashboard.uid);
      }
      expect(uids.sort()).toEqual(
        [
          ...Object.values(GRAFANA_DASHBOARD_UIDS.engine),
          GRAFANA_DASHBOARD_UIDS.tenant,
        ].sort(),
      );
    });

    it("takes the sidecar's label and Grafana's namespace from the values", () => {
      for (const configMap of configMaps(
        'dashboards.enabled=true',
        'dashboards.labels.grafana_dashboard=null',
        'dashboards.labels.dbaas-dashboard=pop',
        'dashboards.namespace=monitoring',
      )) {
        expect(configMap.metadata!.namespace).toBe('monitoring');
        expect(configMap.metadata!.labels).toMatchObject({
          'dbaas-dashboard': 'pop',
        });
        expect(configMap.metadata!.labels).not.toHaveProperty(
          'grafana_dashboard',
        );
      }
      const refused = runHelm(helm, [
        'template',
        'sco',
        chartDir,
        '--set',
        'pop=lagos',
        '--set',
        'dashboards.folder=DBaaS',
      ]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain("additional properties 'folder'");
    });
  });

  describe('RBAC', () => {
    let manifests: Manifest[];
    let clusterRole: Manifest;
    let role: Manifest;
    let ysqlRole: Manifest;
    let allRules: Rule[];
    beforeAll(() => {
      manifests = render(helm);
      clusterRole = onlyManifest(manifests, 'ClusterRole');
      role = onlyManifest(manifests, 'Role', '-leader-election');
      ysqlRole = onlyManifest(manifests, 'Role', '-ysql-passwords');
      allRules = [...clusterRole.rules, ...role.rules, ...ysqlRole.rules];
    });

    it('uses no wildcard and no non-resource URL', () => {
      for (const rule of allRules) {
        expect([
          ...(rule.apiGroups ?? []),
          ...(rule.resources ?? []),
          ...rule.verbs,
        ]).not.toContain('*');
        expect(rule.nonResourceURLs).toBeUndefined();
      }
    });

    it('creates Secrets, reads and deletes them only in `default` (YSQL password copies), and has no escalation verb', () => {
      const secrets = (rules: Rule[]) =>
        Object.entries(verbsByResource(rules)).filter(([key]) =>
          /secrets/.test(key),
        );
      expect(secrets(clusterRole.rules)).toEqual([
        ['core/secrets', ['create']],
      ]);
      expect(secrets(role.rules)).toEqual([]);
      // The YBA operator reads a universe's YSQL password in `default`
      // (src/reconcile/ysqlPasswordCopy.ts): the copy is read back and deleted.
      expect(ysqlRole.metadata!.namespace).toBe('default');
      expect(ysqlRole.rules).toEqual([
        { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'delete'] },
      ]);
      const ysqlBinding = onlyManifest(
        manifests,
        'RoleBinding',
        '-ysql-passwords',
      );
      expect(ysqlBinding.metadata!.namespace).toBe('default');
      expect(ysqlBinding.roleRef.name).toBe(ysqlRole.metadata!.name);
      for (const verbs of Object.values(verbsByResource(allRules))) {
        expect(verbs).not.toEqual(
          expect.arrayContaining([
            expect.stringMatching(/^(escalate|bind|impersonate)$/),
          ]),
        );
      }
    });

    it('grants the cluster-wide verbs the operator uses, and nothing else', () => {
      expect(verbsByResource(clusterRole.rules)).toEqual({
        'dbaas.io/serviceclaims': ['get', 'list', 'patch', 'update', 'watch'],
        'dbaas.io/serviceclaims/status': ['patch', 'update'],
        'dbaas.io/serviceclaims/finalizers': ['update'],
        ...Object.fromEntries(renderedKinds.map(kind => [kind, engineVerbs])),
        // Read for the status: the Dragonfly operator's StatefulSets.
        'apps/statefulsets': ['list'],
        'core/secrets': ['create'],
      });
    });

    it('names each rendered kind by the group and plural its CRD serves', () => {
      const served = new Set(
        loadCrds().map(
          ({ crd }) => `${crd.spec.group}/${crd.spec.names.plural}`,
        ),
      );
      const custom = renderedKinds.filter(
        kind => !/^(networking\.k8s\.io|batch|core)\//.test(kind),
      );
      expect(custom.filter(kind => !served.has(kind))).toEqual([]);
    });

    it('scopes get and update of the Lease to its name, in the release namespace', () => {
      const deployment = onlyManifest(manifests, 'Deployment');
      const leaseName = deployment.spec.template.spec.containers[0].env.find(
        (e: any) => e.name === 'LEASE_NAME',
      ).value;
      expect(leaseName).toBeTruthy();
      expect(role.metadata!.namespace).toBe('dbaas-system');
      expect(role.rules).toEqual([
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          resourceNames: [leaseName],
          verbs: ['get', 'update'],
        },
        // RBAC cannot scope create by name: the object does not exist yet.
        {
          apiGroups: ['coordination.k8s.io'],
          resources: ['leases'],
          verbs: ['create'],
        },
      ]);
      const binding = onlyManifest(
        manifests,
        'RoleBinding',
        '-leader-election',
      );
      expect(binding.roleRef.name).toBe(role.metadata!.name);
      expect(binding.subjects).toEqual([
        {
          kind: 'ServiceAccount',
          name: deployment.spec.template.spec.serviceAccountName,
          namespace: 'dbaas-system',
        },
      ]);
    });

    it('grants no Lease access when leader election is off', () => {
      const single = render(
        helm,
        'leaderElection.enabled=false',
        'replicaCount=1',
      );
      const names = single.map(m => `${m.kind}/${m.metadata?.name}`);
      expect(names.filter(n => /leader-election/.test(n))).toEqual([]);
      expect(names.filter(n => /^Role(Binding)?\//.test(n))).toEqual([
        expect.stringMatching(/^Role\/.*-ysql-passwords$/),
        expect.stringMatching(/^RoleBinding\/.*-ysql-passwords$/),
      ]);
    });
  });

  describe('Deployment', () => {
    let manifests: Manifest[];
    let deployment: Manifest;
    let pod: any;
    let container: any;
    beforeAll(() => {
      manifests = render(helm);
      deployment = onlyManifest(manifests, 'Deployment');
      pod = deployment.spec.template.spec;
      container = pod.containers[0];
    });

    it('runs 2 replicas, spread over nodes by default', () => {
      expect(deployment.spec.replicas).toBe(2);
      const term =
        pod.affinity.podAntiAffinity
          .preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
      expect(term.topologyKey).toBe('kubernetes.io/hostname');
      expect(term.labelSelector.matchLabels).toEqual(
        deployment.spec.selector.matchLabels,
      );
      const pdb = onlyManifest(manifests, 'PodDisruptionBudget');
      expect(pdb.spec.selector.matchLabels).toEqual(
        deployment.spec.selector.matchLabels,
      );
    });

    it('passes the configuration the operator reads', () => {
      const env = Object.fromEntries(
        container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]),
      );
      expect(env).toEqual({
        POD_NAME: { fieldRef: { fieldPath: 'metadata.name' } },
        POD_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
        DBAAS_POP: 'lagos',
        DBAAS_PLATFORM_NAMESPACES: '',
        METRICS_PORT: '8080',
        LEASE_NAME: 'sco-serviceclaim-operator',
        DRAIN_SECONDS: '30',
        LOG_LEVEL: 'info',
      });
      const withPlatform = onlyManifest(
        render(helm, 'platformNamespaces={monitoring,dbaas-system}'),
        'Deployment',
      ).spec.template.spec.containers[0].env;
      expect(
        withPlatform.find((e: any) => e.name === 'DBAAS_PLATFORM_NAMESPACES')
          .value,
      ).toBe('monitoring,dbaas-system');
      // Storage classes, each only when set: the operator has defaults.
      const withClasses = onlyManifest(
        render(helm, 'storageClass=fast', 'scyllaStorageClass=local-xfs'),
        'Deployment',
      ).spec.template.spec.containers[0].env.filter((e: any) =>
        /STORAGE_CLASS/.test(e.name),
      );
      expect(withClasses).toEqual([
        { name: 'DBAAS_STORAGE_CLASS', value: 'fast' },
        { name: 'DBAAS_SCYLLA_STORAGE_CLASS', value: 'local-xfs' },
      ]);
      // The certificate issuer, only when set: without it TLS claims on the
      // engines that serve a Secret must name their own.
      const issuer = (...values: string[]) =>
        onlyManifest(
          render(helm, ...values),
          'Deployment',
        ).spec.template.spec.containers[0].env.filter(
          (e: any) => e.name === 'DBAAS_TLS_ISSUER',
        );
      expect(issuer()).toEqual([]);
      expect(issuer('tlsIssuer=dbaas-ca')).toEqual([
        { name: 'DBAAS_TLS_ISSUER', value: 'dbaas-ca' },
      ]);
      // The PoPs' pod CIDRs, as the operator parses them (configFromEnv).
      const cidrs = onlyManifest(
        render(
          helm,
          'popPodCidrs.lagos[0]=10.1.0.0/16',
          'popPodCidrs.frankfurt[0]=10.2.0.0/16',
          'popPodCidrs.frankfurt[1]=10.3.0.0/16',
        ),
        'Deployment',
      ).spec.template.spec.containers[0].env.find(
        (e: any) => e.name === 'DBAAS_POP_POD_CIDRS',
      );
      expect(cidrs.value).toBe(
        'frankfurt=10.2.0.0/16,10.3.0.0/16;lagos=10.1.0.0/16',
      );
    });

    it('probes /healthz and /readyz on the metrics port', () => {
      expect(container.ports).toEqual([
        { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
      ]);
      expect(container.livenessProbe.httpGet).toEqual({
        path: '/healthz',
        port: 'metrics',
      });
      expect(container.readinessProbe.httpGet).toEqual({
        path: '/readyz',
        port: 'metrics',
      });
    });

    it('runs unprivileged on a read-only root filesystem', () => {
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    });
  });
});

describeWithHelm('charts/serviceclaim-operator on a kube-apiserver', helm => {
  describeWithServices(['kube'], 'server-side', env => {
    const kc = kubeConfigFrom(env);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const core = kc.makeApiClient(CoreV1Api);
    const authorization = kc.makeApiClient(AuthorizationV1Api);
    // Unique per run: the ClusterRole and its binding are cluster-wide.
    const suffix = Date.now().toString(36);
    const namespace = `chart-proof-${suffix}`;
    const release = `sco-${suffix}`;
    const tenant = `tenant-${suffix}`;
    let manifests: Manifest[] = [];

    beforeAll(async () => {
      // The project's CRD and the Prometheus Operator's (for the ServiceMonitor).
      await installCrds(
        kc,
        loadCrds().filter(({ crd }) =>
          ['dbaas.io', 'monitoring.coreos.com'].includes(crd.spec.group),
        ),
      );
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      manifests = helmTemplate(helm, [
        release,
        chartDir,
        '--namespace',
        namespace,
        '--set',
        'pop=lagos',
        '--set',
        'metrics.serviceMonitor.enabled=true',
      ]);
    });

    afterAll(async () => {
      // Cluster-wide, and the YSQL password Role in `default`: not in the
      // namespace deleted below.
      for (const manifest of manifests.filter(
        m =>
          ['ClusterRole', 'ClusterRoleBinding'].includes(m.kind!) ||
          m.metadata?.namespace === 'default',
      )) {
        await objects.delete(manifest).catch(() => undefined);
      }
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    });

    it('accepts every rendered manifest in a server-side dry run', async () => {
      expect(manifests.map(m => m.kind).sort()).toEqual([
        'ClusterRole',
        'ClusterRoleBinding',
        'CustomResourceDefinition',
        'Deployment',
        'PodDisruptionBudget',
        'Role',
        'Role',
        'RoleBinding',
        'RoleBinding',
        'Service',
        'ServiceAccount',
        'ServiceMonitor',
      ]);
      expect(await dryRunFailures(objects, manifests)).toEqual([]);
    });

    it("gives the operator's service account what it needs and no more", async () => {
      // Applied for real: only the RBAC authorizer can say what the rules allow.
      for (const manifest of manifests.filter(m =>
        [
          'ServiceAccount',
          'ClusterRole',
          'ClusterRoleBinding',
          'Role',
          'RoleBinding',
        ].includes(m.kind!),
      )) {
        await objects.patch(
          manifest,
          undefined,
          undefined,
          'helm-chart-test',
          true,
          PatchStrategy.ServerSideApply,
        );
      }
      const account = onlyManifest(manifests, 'ServiceAccount').metadata!.name!;
      const leaseName = onlyManifest(
        manifests,
        'Deployment',
      ).spec.template.spec.containers[0].env.find(
        (e: any) => e.name === 'LEASE_NAME',
      ).value;
      const can = async (attributes: Record<string, string>) => {
        const review = await authorization.createSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SubjectAccessReview',
            spec: {
              user: `system:serviceaccount:${namespace}:${account}`,
              groups: [
                'system:serviceaccounts',
                `system:serviceaccounts:${namespace}`,
                'system:authenticated',
              ],
              resourceAttributes: attributes,
            },
          },
        });
        return review.status?.allowed === true;
      };
      const asked = [
        [{ group: 'dbaas.io', resource: 'serviceclaims', verb: 'watch' }, true],
        [
          {
            group: 'dbaas.io',
            resource: 'serviceclaims',
            subresource: 'status',
            verb: 'patch',
            namespace: tenant,
          },
          true,
        ],
        [
          {
            group: 'dbaas.io',
            resource: 'serviceclaims',
            verb: 'delete',
            namespace: tenant,
          },
          false,
        ],
        [
          {
            group: 'dbaas.io',
            resource: 'serviceclaims',
            verb: 'create',
            namespace: tenant,
          },
          false,
        ],
        [
          {
            group: 'operator.yugabyte.io',
            resource: 'ybuniverses',
            verb: 'create',
            namespace: tenant,
          },
          true,
        ],
        [
          {
            group: 'postgresql.cnpg.io',
            resource: 'clusters',
            verb: 'delete',
            namespace: tenant,
          },
          true,
        ],
        [
          {
            group: 'postgresql.cnpg.io',
            resource: 'clusters',
            verb: 'update',
            namespace: tenant,
          },
          false,
        ],
        // The ScyllaDB role Job, created and pruned like an engine resource.
        [
          {
            group: 'batch',
            resource: 'jobs',
            verb: 'create',
            namespace: tenant,
          },
          true,
        ],
        [
          {
            group: 'batch',
            resource: 'cronjobs',
            verb: 'create',
            namespace: tenant,
          },
          false,
        ],
        [
          { group: '', resource: 'secrets', verb: 'get', namespace: tenant },
          false,
        ],
        // The YSQL password copies YugabyteDB Anywhere reads.
        [
          {
            group: '',
            resource: 'secrets',
            verb: 'get',
            namespace: 'default',
          },
          true,
        ],
        [
          {
            group: '',
            resource: 'secrets',
            verb: 'delete',
            namespace: tenant,
          },
          false,
        ],
        // The Dragonfly operator's StatefulSets: listed for the status only.
        [
          {
            group: 'apps',
            resource: 'statefulsets',
            verb: 'list',
            namespace: tenant,
          },
          true,
        ],
        [
          {
            group: 'apps',
            resource: 'statefulsets',
            verb: 'patch',
            namespace: tenant,
          },
          false,
        ],
        [{ group: '', resource: 'secrets', verb: 'list' }, false],
        [{ group: '', resource: 'pods', verb: 'list' }, false],
        [
          {
            group: 'coordination.k8s.io',
            resource: 'leases',
            verb: 'update',
            name: leaseName,
            namespace,
          },
          true,
        ],
        [
          {
            group: 'coordination.k8s.io',
            resource: 'leases',
            verb: 'create',
            namespace,
          },
          true,
        ],
        [
          {
            group: 'coordination.k8s.io',
            resource: 'leases',
            verb: 'update',
            name: 'someone-elses-lease',
            namespace,
          },
          false,
        ],
        [
          {
            group: 'coordination.k8s.io',
            resource: 'leases',
            verb: 'create',
            namespace: tenant,
          },
          false,
        ],
      ] as const;
      const answers = await Promise.all(
        asked.map(async ([attributes]) => [
          JSON.stringify(attributes),
          await can(attributes as Record<string, string>),
        ]),
      );
      expect(Object.fromEntries(answers)).toEqual(
        Object.fromEntries(
          asked.map(([attributes, allowed]) => [
            JSON.stringify(attributes),
            allowed,
          ]),
        ),
      );
    });
  });
});
