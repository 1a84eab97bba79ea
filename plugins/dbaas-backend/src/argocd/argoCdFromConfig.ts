import fs from 'node:fs';
import path from 'node:path';
import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  IN_CLUSTER_TOKEN_FILE,
  kubeConfigFor,
  type KubeCluster,
} from '../status/clustersFromConfig';
import { ARGOCD_NAMESPACE } from '../gitops/gitopsLayout';
import { ArgoCdClient } from './ArgoCdClient';

/**
 * The client of the cluster Argo CD runs on, from `dbaas.gitops.argocd`:
 * `cluster` when given, else the pod's own service account (as the Kubernetes
 * plugin's `serviceAccount` clusters without a token). Undefined, and the
 * portal leaves Argo CD to its poll, without `dbaas.gitops.argocd`, or outside
 * a pod without `cluster`.
 */
export function argoCdFromConfig(
  config: RootConfigService,
  logger: LoggerService,
  options: {
    inClusterTokenFile?: string;
    env?: Record<string, string | undefined>;
  } = {},
): ArgoCdClient | undefined {
  const argocd = config.getOptionalConfig('dbaas.gitops.argocd');
  if (!argocd) return undefined;
  const namespace = argocd.getOptionalString('namespace') ?? ARGOCD_NAMESPACE;
  const configured = argocd.getOptionalConfig('cluster');
  let cluster: KubeCluster;
  if (configured) {
    cluster = {
      name: 'argocd',
      url: configured.getString('url'),
      token: configured.getString('serviceAccountToken'),
      caData: configured.getOptionalString('caData'),
      skipTLSVerify: configured.getOptionalBoolean('skipTLSVerify') ?? false,
    };
  } else {
    const tokenFile = options.inClusterTokenFile ?? IN_CLUSTER_TOKEN_FILE;
    const env = options.env ?? process.env;
    const host = env.KUBERNETES_SERVICE_HOST;
    if (!host || !fs.existsSync(tokenFile)) {
      logger.info(
        `Not asking Argo CD to refresh after commits, nor watching its sync errors: dbaas.gitops.argocd has no cluster, and there is no in-cluster service account at ${tokenFile}`,
      );
      return undefined;
    }
    cluster = {
      name: 'argocd',
      url: `https://${host.includes(':') ? `[${host}]` : host}:${
        env.KUBERNETES_SERVICE_PORT ?? '443'
      }`,
      tokenFile,
      caFile: path.join(path.dirname(tokenFile), 'ca.crt'),
    };
  }
  logger.info(
    `Argo CD in namespace ${namespace} of ${cluster.url} is asked to refresh after each commit, and its sync errors go on the databases' timelines`,
  );
  return new ArgoCdClient(kubeConfigFor(cluster), namespace);
}
