import fs from 'node:fs';
import path from 'node:path';
import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  clustersFromConfig,
  type KubeCluster,
  type SkippedCluster,
} from '../status/clustersFromConfig';
import type { PopAddress } from './CatalogPopDirectory';

/**
 * How the portal reaches a PoP's cluster as itself (its service account
 * there), for the status watch and the Kubernetes tab:
 *
 * - the `kubernetes.clusterLocatorMethods` cluster named after the PoP, when
 *   there is one (`serviceAccount` auth, clustersFromConfig);
 * - else the address on the PoP's entity (`kubernetes.io/api-server`, its
 *   CA) with the token in `dbaas.pops.tokenDirectory/{pop}`: a Secret whose
 *   keys are PoP ids, mounted there. The kubelet updates a mounted Secret in
 *   place, so a PoP added to the catalog and its token added to the Secret is
 *   reached without a restart, and a rotated token is read anew.
 *
 * Tokens never go into the catalog, where every reader of the entity would
 * see them. PoP ids are DNS labels (popIdSchema), so `{pop}` cannot leave the
 * directory.
 */
export class PopClusters {
  static fromConfig(config: RootConfigService): PopClusters {
    const { clusters, skipped } = clustersFromConfig(config);
    return new PopClusters(
      clusters,
      skipped,
      config.getOptionalString('dbaas.pops.tokenDirectory'),
    );
  }

  private readonly configured: Map<string, KubeCluster>;

  constructor(
    clusters: KubeCluster[],
    /** Configured clusters the portal cannot watch as itself, and why. */
    readonly skipped: SkippedCluster[],
    private readonly tokenDirectory?: string,
  ) {
    this.configured = new Map(clusters.map(c => [c.name, c]));
  }

  /** False when no PoP could ever be reached: no cluster configured, no token directory. */
  get anyReachable(): boolean {
    return this.configured.size > 0 || this.tokenDirectory !== undefined;
  }

  /** The configured clusters that are none of these PoPs. */
  notPops(pops: Set<string>): string[] {
    return [...this.configured.keys()].filter(name => !pops.has(name));
  }

  /** The PoP's cluster, or undefined while the portal has no way to reach it. */
  clusterOf(pop: string, address?: PopAddress): KubeCluster | undefined {
    const configured = this.configured.get(pop);
    if (configured) return configured;
    const tokenFile = this.tokenFileOf(pop);
    if (!address || !tokenFile) return undefined;
    return {
      name: pop,
      url: address.url,
      tokenFile,
      caData: address.caData,
      skipTLSVerify: address.skipTLSVerify,
    };
  }

  /** The PoP's token file in the token directory, if it is there. */
  tokenFileOf(pop: string): string | undefined {
    if (!this.tokenDirectory) return undefined;
    const file = path.join(this.tokenDirectory, pop);
    return fs.existsSync(file) ? file : undefined;
  }
}
