import fs from 'node:fs';
import type { RootConfigService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';

/** A cluster of Backstage's `kubernetes` config that the portal can reach. */
export type KubeCluster = {
  name: string;
  url: string;
  /** The service account token; unset means the pod's own (see `tokenFile`). */
  token?: string;
  /** Set when `token` is not: the in-cluster token file, re-read as it rotates. */
  tokenFile?: string;
  skipTLSVerify?: boolean;
  /** Base64 PEM of the CA, as in a kubeconfig's certificate-authority-data. */
  caData?: string;
  caFile?: string;
};

/** A configured cluster left out, and why. */
export type SkippedCluster = { name: string; reason: string };

/** Where a pod finds its service account token. */
export const IN_CLUSTER_TOKEN_FILE =
  '/var/run/secrets/kubernetes.io/serviceaccount/token';

// Backstage's kubernetes plugin accepts the auth provider in either place.
const AUTH_PROVIDER_ANNOTATION = 'kubernetes.io/auth-provider';

/**
 * The clusters of `kubernetes.clusterLocatorMethods` entries of type `config`,
 * the same list the Kubernetes plugin shows workloads from, so the portal watches
 * exactly the clusters people see. Only `serviceAccount` auth is usable here: the
 * other providers (google, aws, oidc, ...) authenticate as the signed-in user,
 * and a background watch has no user. Those clusters are returned as skipped.
 *
 * As in Backstage, a `serviceAccount` cluster without `serviceAccountToken` uses
 * the pod's own service account token; outside a pod it is skipped.
 */
export function clustersFromConfig(
  config: RootConfigService,
  options: { inClusterTokenFile?: string } = {},
): { clusters: KubeCluster[]; skipped: SkippedCluster[] } {
  const tokenFile = options.inClusterTokenFile ?? IN_CLUSTER_TOKEN_FILE;
  const clusters: KubeCluster[] = [];
  const skipped: SkippedCluster[] = [];
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const c of method.getOptionalConfigArray('clusters') ?? []) {
      const name = c.getString('name');
      // Read raw: its keys (kubernetes.io/auth-provider) are not valid config keys.
      const authMetadata = (c.getOptional('authMetadata') ?? {}) as Record<
        string,
        unknown
      >;
      const fromMetadata = (key: string) =>
        typeof authMetadata[key] === 'string'
          ? (authMetadata[key] as string)
          : undefined;
      const authProvider =
        fromMetadata(AUTH_PROVIDER_ANNOTATION) ??
        c.getOptionalString('authProvider');
      if (authProvider !== 'serviceAccount') {
        skipped.push({
          name,
          reason: `auth provider ${
            authProvider ?? '(none)'
          } acts for a signed-in user; watching needs serviceAccount`,
        });
        continue;
      }
      const token =
        fromMetadata('serviceAccountToken') ??
        c.getOptionalString('serviceAccountToken');
      if (!token && !fs.existsSync(tokenFile)) {
        skipped.push({
          name,
          reason: `no serviceAccountToken, and no in-cluster token at ${tokenFile}`,
        });
        continue;
      }
      clusters.push({
        name,
        url: c.getString('url'),
        ...(token ? { token } : { tokenFile }),
        skipTLSVerify: c.getOptionalBoolean('skipTLSVerify') ?? false,
        caData: c.getOptionalString('caData'),
        caFile: c.getOptionalString('caFile'),
      });
    }
  }
  return { clusters, skipped };
}

/** A client config that talks to one cluster as its service account. */
export function kubeConfigFor(cluster: KubeCluster): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        skipTLSVerify: cluster.skipTLSVerify ?? false,
        caData: cluster.caData,
        caFile: cluster.caFile,
      },
    ],
    users: [
      cluster.token
        ? { name: cluster.name, token: cluster.token }
        : {
            name: cluster.name,
            // client-node's file auth, as its in-cluster loader sets it up.
            authProvider: {
              name: 'tokenFile',
              config: { tokenFile: cluster.tokenFile },
            },
          },
    ],
    contexts: [
      { name: cluster.name, cluster: cluster.name, user: cluster.name },
    ],
    currentContext: cluster.name,
  });
  return kc;
}
