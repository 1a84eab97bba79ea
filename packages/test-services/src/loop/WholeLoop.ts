import { execFileSync } from 'node:child_process';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { applyManifests } from '../kube/applyManifests';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { EngineOperatorStandIn } from './EngineOperatorStandIn';
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

/**
 * The parts of the whole loop around the portal, from the services of
 * scripts/services.sh (`kube` as the management cluster where Argo CD runs,
 * `pops`, `gitserver`, `argocd`): the ServiceClaim operator of each PoP,
 * installed as its chart says and run as its own process, the engine
 * operators' stand-in on each PoP, Argo CD bootstrapped from the portal's
 * GitOps repository, and reads of what each cluster holds.
 */
export class WholeLoop {
  readonly management: KubeConfig;
  readonly pops: LoopPop[];

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
        env: options.env,
      });
      pop.standIn = new EngineOperatorStandIn({ kubeConfig: pop.kubeConfig });
      await pop.standIn.start();
    }
    await Promise.all(this.pops.map(pop => pop.operator!.ready(60_000)));
  }

  async stop() {
    for (const pop of this.pops) {
      await pop.standIn?.stop();
      await pop.operator?.stop();
    }
  }

  /**
   * The one-time setup of `argocd/README.md` in the GitOps repository:
   * `kubectl apply -f argocd/bootstrap.yaml` as the portal committed it.
   */
  async bootstrapArgoCd(gitdir: string) {
    const bootstrap = execFileSync(
      'git',
      [`--git-dir=${gitdir}`, 'show', 'main:argocd/bootstrap.yaml'],
      { encoding: 'utf8' },
    );
    await applyManifests(this.management, bootstrap, {
      namespace: ARGOCD_NAMESPACE,
    });
  }

  /** The portal's `kubernetes.clusterLocatorMethods` entry for the PoPs. */
  kubernetesClusters() {
    return this.pops.map(pop => ({
      name: pop.name,
      url: pop.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: pop.token,
      skipTLSVerify: true,
    }));
  }

  /**
   * The portal's `dbaas.gitops.argocd`, with a token of a service account
   * holding the Role docs/api.md gives the portal in Argo CD's namespace.
   */
  async portalArgoCdConfig(role: AnyObject[]) {
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
        skipTLSVerify: true,
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
