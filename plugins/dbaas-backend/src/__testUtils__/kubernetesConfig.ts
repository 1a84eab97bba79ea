import type { KubeConfig } from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';

/**
 * The `kubernetes` config of one cluster, as an operator would configure the
 * test apiserver for Backstage's Kubernetes plugin (service-account auth),
 * which the backend's status watch reads.
 */
export function kubernetesConfig(options: {
  kc: KubeConfig;
  token: string;
  name: string;
  /** Defaults to the kubeconfig's server. */
  url?: string;
}) {
  const cluster = options.kc.getCurrentCluster()!;
  return {
    kubernetes: {
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: options.name,
              url: options.url ?? cluster.server,
              authProvider: 'serviceAccount',
              serviceAccountToken: options.token,
              caData: cluster.caData,
            },
          ],
        },
      ],
    },
  };
}

/** The ServiceClaim API, as CustomObjectsApi calls take it. */
export const CLAIM_API = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};
