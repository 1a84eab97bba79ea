import fs from 'node:fs/promises';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  ClusterDetails,
  KubernetesClustersSupplier,
} from '@backstage/plugin-kubernetes-node';
import type { CatalogPopDirectory } from '../pops/CatalogPopDirectory';
import type { PopClusters } from '../pops/PopClusters';

/**
 * The Kubernetes plugin's clusters are the PoPs' (the Kubernetes tab of a
 * database looks into the cluster of each PoP it runs in): the PoP list from
 * the catalog, each reached as PopClusters says. A cluster of the plugin's own
 * config named after a PoP is used as configured (any auth provider), titled
 * with the PoP's name; a configured cluster that is no PoP is not shown.
 *
 * Backstage's `catalog` cluster locator reads the same entities, but takes a
 * service account token from an entity annotation, where every catalog reader
 * would see it; hence this supplier, which takes it from the token directory.
 */
export class PopClusterSupplier implements KubernetesClustersSupplier {
  constructor(
    private readonly configured: KubernetesClustersSupplier,
    private readonly pops: CatalogPopDirectory,
    private readonly reach: PopClusters,
  ) {}

  async getClusters(options: {
    credentials: BackstageCredentials;
  }): Promise<ClusterDetails[]> {
    const [pops, configured] = await Promise.all([
      this.pops.listPops(),
      this.configured.getClusters(options),
    ]);
    const byName = new Map(configured.map(cluster => [cluster.name, cluster]));
    const clusters: ClusterDetails[] = [];
    for (const pop of pops) {
      const own = byName.get(pop.id);
      if (own) {
        clusters.push({ ...own, title: own.title ?? pop.displayName });
        continue;
      }
      const cluster = this.reach.clusterOf(pop.id, this.pops.addressOf(pop.id));
      if (!cluster?.tokenFile) continue;
      clusters.push({
        name: pop.id,
        title: pop.displayName,
        url: cluster.url,
        caData: cluster.caData,
        skipTLSVerify: cluster.skipTLSVerify,
        authMetadata: {
          'kubernetes.io/auth-provider': 'serviceAccount',
          // Read on every call: the mounted Secret rotates in place.
          serviceAccountToken: (
            await fs.readFile(cluster.tokenFile, 'utf8')
          ).trim(),
        },
      });
    }
    return clusters;
  }
}
