import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import yaml from 'js-yaml';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { applyManifests } from '../kube/applyManifests';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { stateDir } from '../serviceEnv';
import { takeStackLock } from '../stackLock';
import { briefObject, briefValue } from './briefObject';
import { EngineOperatorStandIn, STAND_IN_KINDS } from './EngineOperatorStandIn';
import { portalArgoCdRole } from './portalArgoCdRole';
import { startPopOperator, type PopOperator } from './startPopOperator';

/** One PoP cluster of the `pops` service, with what runs against it. */
export type LoopPop = {
  name: string;
  kubeConfig: KubeConfig;
  url: string;
  /** An administrator's token: Argo CD's and the portal's watch. */
  token: string;
  operator?: PopOperator;
  standIn?: EngineOperatorStandIn;
};

type AnyObject = KubernetesObject & Record<string, any>;

const ARGOCD_NAMESPACE = 'argocd';

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

/** `work`, or a rejection once `ms` passed. */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer in ${ms} ms`)),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

const shortRevision = (revision: unknown) =>
  typeof revision === 'string' ? revision.slice(0, 8) : '-';

/** An Argo CD Application in a line: sync, health, its last operation. */
function briefApplication(app: AnyObject): string {
  const { sync = {}, health = {}, operationState: op } = app.status ?? {};
  const refresh = app.metadata?.annotations?.['argocd.argoproj.io/refresh'];
  return [
    `Application ${app.metadata?.name}: sync ${sync.status} at ${shortRevision(
      sync.revision,
    )}`,
    `health ${health.status}`,
    op
      ? `last operation ${op.phase} at ${shortRevision(
          op.syncResult?.revision ?? op.operation?.sync?.revision,
        )} (${briefValue(op.message ?? '')}, finished ${op.finishedAt ?? '-'})`
      : 'no operation yet',
    `reconciled ${app.status?.reconciledAt ?? '-'}`,
    ...(refresh ? [`refresh ${refresh} pending`] : []),
    ...(app.status?.conditions?.length
      ? [`conditions ${JSON.stringify(briefValue(app.status.conditions))}`]
      : []),
  ].join(', ');
}

/**
 * The base64 PEM of a cluster's CA, so that the portal verifies the PoPs'
 * and the management cluster's certificates rather than skip verifying them.
 */
function caDataOf(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  const caData =
    cluster?.caData ??
    (cluster?.caFile
      ? fs.readFileSync(cluster.caFile).toString('base64')
      : undefined);
  if (!caData)
    throw new Error(`${cluster?.server} has no CA in its kubeconfig`);
  return caData;
}

/** The `argocd/bootstrap.yaml` the portal committed to main, or undefined. */
function committedBootstrap(gitdir: string): string | undefined {
  try {
    return execFileSync(
      'git',
      [`--git-dir=${gitdir}`, 'show', 'main:argocd/bootstrap.yaml'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch {
    return undefined;
  }
}

/**
 * The parts of the whole loop around the portal, from the services of
 * scripts/services.sh (`kube` as the management cluster where Argo CD runs,
 * `pops`, `gitserver`, `argocd`): the ServiceClaim operator of each PoP,
 * installed as its chart says and run as its own process, the engine
 * operators' stand-in on each PoP, Argo CD bootstrapped from the portal's
 * GitOps repository, and reads of what each cluster holds. A suite takes
 * its turn ({@link WholeLoop.takeTurn}) before it starts the PoPs' operators
 * or bootstraps Argo CD.
 */
export class WholeLoop {
  readonly management: KubeConfig;
  readonly pops: LoopPop[];
  private letGo?: () => void;

  constructor(private readonly env: Record<string, string>) {
    this.management = kubeConfigFrom(env);
    this.pops = env.DBAAS_POPS.split(',').map(name => {
      const upper = name.toUpperCase();
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(env[`DBAAS_POP_${upper}_KUBECONFIG`]);
      return {
        name,
        kubeConfig,
        url: env[`DBAAS_POP_${upper}_API_URL`],
        token: env[`DBAAS_POP_${upper}_TOKEN`],
      };
    });
  }

  pop(name: string): LoopPop {
    const found = this.pops.find(p => p.name === name);
    if (!found) throw new Error(`There is no PoP ${name}`);
    return found;
  }

  /**
   * On every PoP: the engine operators' CRDs (what their installs would
   * bring), the ServiceClaim operator as its chart installs it, and the
   * engine operators' stand-in. Resolves once every operator is ready.
   */
  async startPops(
    options: {
      env?: Record<string, string>;
      values?: Record<string, string>;
      /**
       * Whether to run the engine operators' stand-in too; default true.
       * Without it claims stay Provisioning until someone plays the engine
       * operators (`engines:play`), as scripts/start-with-services.sh leaves them.
       */
      engineOperators?: boolean;
      /** A folder for the operators' logs, `operator-{pop}.log`; default a temporary one per PoP. */
      logDir?: string;
      /**
       * The namespaces whose engine resources the stand-in plays; default
       * every namespace. A suite names its tenants' namespaces, so that the
       * stand-in leaves alone what other suites on the same PoPs play
       * themselves (one that makes an engine fail would otherwise see it
       * reported healthy again).
       */
      namespaces?: readonly string[];
    } = {},
  ) {
    const engineCrds = loadCrds().filter(
      ({ file }) => !file.startsWith('charts/'),
    );
    for (const pop of this.pops) {
      await installCrds(pop.kubeConfig, engineCrds);
      pop.operator = await startPopOperator({
        kubeConfig: pop.kubeConfig,
        pop: pop.name,
        // Each PoP's own object storage for backups and WAL archives, which a
        // PostgreSQL replica cluster in another PoP follows.
        values: {
          backupDestination: `s3://dbaas-backups-${pop.name}`,
          ...options.values,
        },
        // Claims other suites apply to the shared PoPs carry a `test-run`
        // label and are reconciled by those suites' own operators; two
        // operators on one claim undo each other's work.
        env: { CLAIM_LABEL_SELECTOR: '!test-run', ...options.env },
        logFile:
          options.logDir &&
          path.join(options.logDir, `operator-${pop.name}.log`),
      });
      if (options.engineOperators ?? true) {
        pop.standIn = new EngineOperatorStandIn({
          kubeConfig: pop.kubeConfig,
          namespaces: options.namespaces,
        });
        await pop.standIn.start();
      }
    }
    await Promise.all(this.pops.map(pop => pop.operator!.ready(60_000)));
  }

  /**
   * Waits for this suite's turn with the parts of the stack whose objects
   * have fixed names, and takes it until {@link WholeLoop.stop}: Argo CD, as
   * the GitOps layout sets it up (`dbaas-argocd`, the `dbaas-tenants` and
   * `dbaas-platform` ApplicationSets), and the PoPs' operator release
   * (`serviceclaim-operator` in `dbaas-system`, as the layout deploys it).
   * Suites that bootstrap Argo CD or start the PoPs' operators take it first:
   * jest runs two suites at a time on two cores, and two such suites at once
   * undo each other. One's bootstrap points the tenants' ApplicationSet at
   * its own repository, whose missing tenant folders delete the other's
   * Applications and, through their finalizer, its claims on every PoP; its
   * clean-up deletes the other's operators' ServiceAccount, whose token then
   * gets 401. The other's waits then time out, with nothing wrong in what
   * they wait for.
   */
  async takeTurn(by: string): Promise<void> {
    this.letGo ??= await takeStackLock('whole-loop', {
      by,
      onWait: holder =>
        process.stderr.write(
          `${by} waits for its turn with Argo CD and the PoPs' operators, held by ${holder}\n`,
        ),
    });
  }

  /** Stops the PoPs' operators and stand-ins, and ends this suite's turn. */
  async stop() {
    try {
      for (const pop of this.pops) {
        await pop.standIn?.stop();
        await pop.operator?.stop();
      }
    } finally {
      this.letGo?.();
      this.letGo = undefined;
    }
  }

  /**
   * The one-time setup of `argocd/README.md` in the GitOps repository:
   * `kubectl apply -f argocd/bootstrap.yaml` as the portal committed it.
   */
  async bootstrapArgoCd(gitdir: string) {
    const bootstrap = committedBootstrap(gitdir);
    if (bootstrap === undefined) {
      throw new Error(`${gitdir} has no argocd/bootstrap.yaml on main yet`);
    }
    await applyManifests(this.management, bootstrap, {
      namespace: ARGOCD_NAMESPACE,
    });
  }

  /** Whether the portal has committed its `argocd/` layout to the repository. */
  layoutCommitted(gitdir: string): boolean {
    return committedBootstrap(gitdir) !== undefined;
  }

  /** The portal's `kubernetes.clusterLocatorMethods` entry for the PoPs. */
  kubernetesClusters() {
    return this.pops.map(pop => ({
      name: pop.name,
      url: pop.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: pop.token,
      caData: caDataOf(pop.kubeConfig),
    }));
  }

  /**
   * The portal's `dbaas.gitops.argocd`, with a token of a service account
   * holding the Role docs/api.md gives the portal in Argo CD's namespace
   * (by default that Role as the document has it).
   */
  async portalArgoCdConfig(
    role: AnyObject[] = portalArgoCdRole(ARGOCD_NAMESPACE),
  ) {
    await applyManifests(this.management, role, {
      namespace: ARGOCD_NAMESPACE,
    });
    const account = role.find(o => o.kind === 'ServiceAccount');
    if (!account) throw new Error('The Role names no ServiceAccount');
    const token = await this.management
      .makeApiClient(CoreV1Api)
      .createNamespacedServiceAccountToken({
        name: account.metadata!.name!,
        namespace: ARGOCD_NAMESPACE,
        body: { spec: { audiences: [], expirationSeconds: 86_400 } },
      });
    return {
      namespace: ARGOCD_NAMESPACE,
      cluster: {
        url: this.env.DBAAS_KUBE_API_URL,
        serviceAccountToken: token.status!.token,
        caData: caDataOf(this.management),
      },
    };
  }

  /**
   * The portal's configuration for the loop: the GitOps repository at
   * `gitdir` (a bare repository under the git server's root, which the portal
   * creates on its first start) as Argo CD clones it from `repoURL`, the Argo
   * CD to refresh after each commit, and the PoPs in the Kubernetes plugin.
   */
  async portalConfig(options: { gitdir: string; repoURL: string }) {
    return {
      dbaas: {
        gitops: {
          localPath: options.gitdir,
          repoURL: options.repoURL,
          argocd: await this.portalArgoCdConfig(),
        },
      },
      kubernetes: {
        clusterLocatorMethods: [
          { type: 'config', clusters: this.kubernetesClusters() },
        ],
      },
    };
  }

  /**
   * Asks Argo CD to compare an Application with its repository now, as the
   * code host's push webhook does for a commit the portal did not make.
   */
  async refreshApplication(name: string) {
    await KubernetesObjectApi.makeApiClient(this.management).patch(
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name,
          namespace: ARGOCD_NAMESPACE,
          annotations: { 'argocd.argoproj.io/refresh': 'normal' },
        },
      },
      undefined,
      undefined,
      'dbaas-tests',
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  /**
   * The git server goes away (its process killed, as a crashed code host):
   * Argo CD can fetch nothing until `restartService('gitserver')`.
   */
  cutGitServer() {
    const pidFile = path.join(stateDir(), 'gitserver', 'lighttpd.pid');
    process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
  }

  /**
   * Writes a catalog file holding an organization and one tenant (team) in
   * it, as catalog/org.yaml has them, and the loop's PoPs as catalog/pops.yaml
   * has them, for the portal's catalog locations; resolves to its path.
   */
  writeTenant(dir: string, names: { organization: string; tenant: string }) {
    const file = path.join(dir, `${names.tenant}.yaml`);
    fs.writeFileSync(
      file,
      [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: names.organization },
          spec: { type: 'organization', children: [names.tenant] },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: names.tenant },
          spec: { type: 'team', parent: names.organization, children: [] },
        },
        ...this.pops.map(pop =>
          popEntity(
            examplePops.find(example => example.id === pop.name) ?? {
              ...examplePops[0],
              id: pop.name,
              displayName: pop.name,
            },
          ),
        ),
      ]
        .map(entity => yaml.dump(entity))
        .join('---\n'),
    );
    return file;
  }

  /**
   * Where databases of one tenant stand along the loop, one line per thing,
   * for a test whose wait ran out: in each PoP each one's claim (the
   * `dbaas.io/` annotations the portal committed, its generation and status)
   * and the engine objects made for it (labelled with its name) with their
   * status; the Argo CD Applications of the tenant, with their sync, health
   * and last operation; and each operator's last warnings. Never throws: what
   * could not be read says so.
   */
  async whereItStands(namespace: string, names: string[]): Promise<string[]> {
    const lines: string[] = [];
    const read = async (what: string, describe: () => Promise<string[]>) => {
      try {
        lines.push(...(await within(describe(), 10_000)));
      } catch (error) {
        lines.push(`${what}: could not be read (${String(error)})`);
      }
    };
    const ofDatabase = (name: string) => (o: AnyObject) => {
      const labels = o.metadata?.labels ?? {};
      return (
        labels['app.kubernetes.io/instance'] === name ||
        labels['cnpg.io/cluster'] === name
      );
    };
    for (const [pop, name] of this.pops.flatMap(p =>
      names.map(n => [p, n] as const),
    )) {
      await read(`${pop.name}`, async () => {
        const claim = await this.claim(pop.name, namespace, name);
        // Without a claim its engine is unknown: every played kind.
        const kinds = STAND_IN_KINDS.filter(
          k => !claim || k.engine === claim.spec?.engine,
        );
        const made = (
          await Promise.all(
            kinds.map(k =>
              this.list(pop.name, k.apiVersion, k.kind, namespace),
            ),
          )
        )
          .flat()
          .filter(ofDatabase(name));
        return [
          claim ? briefObject(claim) : `no ServiceClaim ${namespace}/${name}`,
          ...made.map(briefObject),
        ].map(line => `${pop.name}: ${line}`);
      });
    }
    const tenant = namespace.replace(/^tenant-/, '');
    await read('Argo CD', () =>
      Promise.all(
        this.pops.map(async pop => {
          const app = await this.application(`${pop.name}-${tenant}`);
          return `Argo CD: ${
            app ? briefApplication(app) : `no Application ${pop.name}-${tenant}`
          }`;
        }),
      ),
    );
    for (const pop of this.pops) {
      const log = pop.operator?.logFile;
      await read(`${pop.name} operator log`, async () => {
        if (!log || !fs.existsSync(log)) return [];
        return fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter(line => /"level":"(warn|error)"/.test(line))
          .slice(-5)
          .map(line => `${pop.name} operator: ${line.slice(0, 300)}`);
      });
    }
    return lines;
  }

  /** An Argo CD Application, or undefined. */
  application(name: string): Promise<AnyObject | undefined> {
    return this.get(this.management, {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: ARGOCD_NAMESPACE },
    });
  }

  /** An object of one PoP cluster, or undefined. */
  object(
    pop: string,
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<AnyObject | undefined> {
    return this.get(this.pop(pop).kubeConfig, {
      apiVersion,
      kind,
      metadata: { name, namespace },
    });
  }

  /** The objects of a kind in a namespace of one PoP cluster. */
  async list(
    pop: string,
    apiVersion: string,
    kind: string,
    namespace: string,
  ): Promise<AnyObject[]> {
    const client = KubernetesObjectApi.makeApiClient(this.pop(pop).kubeConfig);
    try {
      const list = await client.list(apiVersion, kind, namespace);
      return list.items as AnyObject[];
    } catch (error) {
      if (isNotFound(error)) return [];
      throw error;
    }
  }

  /** The claim of a database on one PoP, or undefined. */
  claim(pop: string, namespace: string, name: string) {
    return this.object(
      pop,
      'dbaas.io/v1alpha1',
      'ServiceClaim',
      namespace,
      name,
    );
  }

  /** Writes an object's status on one PoP (what an engine operator does). */
  custom(pop: string) {
    return this.pop(pop).kubeConfig.makeApiClient(CustomObjectsApi);
  }

  private async get(
    kc: KubeConfig,
    ref: KubernetesObject,
  ): Promise<AnyObject | undefined> {
    try {
      return (await KubernetesObjectApi.makeApiClient(kc).read(
        ref as any,
      )) as AnyObject;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }
}
