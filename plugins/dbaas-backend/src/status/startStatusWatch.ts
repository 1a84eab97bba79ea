import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { tenantNamespace } from '@internal/backstage-plugin-dbaas-common';
import type { ConfirmRemovals } from '../gitops/ConfirmRemovals';
import type { ClaimEvent, ClaimStatusRecorder } from './ClaimStatusRecorder';
import type { ServiceChangeNotifier } from '../notify/ServiceChangeNotifier';
import { toError } from '@backstage/errors';
import type { CatalogPopDirectory } from '../pops/CatalogPopDirectory';
import { PopClusters } from '../pops/PopClusters';
import { ClaimWatcher } from './ClaimWatcher';
import { kubeConfigFor } from './clustersFromConfig';

/** How often the watched clusters follow the PoP list. */
const FOLLOW_POPS_MS = 10_000;

/**
 * Watches the ServiceClaims of the PoPs' clusters and records what they
 * report, announcing each change. The PoPs are the PoP list's (a PoP added to
 * the catalog is watched within seconds, one removed is no longer), each
 * reached as PopClusters says. A configured cluster that is no PoP is not
 * watched.
 *
 * Where it watches no cluster (none configured that it can watch as itself,
 * or `dbaas.status.watch: false`), nothing could ever report a claim gone, and
 * a deleted database would stay Deleting and keep its share of the quota for
 * good. There the commit of a claim's removal ends the database instead: the
 * returned `confirmRemovals`, for the GitOps publisher, records it as the
 * cluster's report would (same store method, same announcement), with a
 * `deleted` step saying that no cluster confirms removals in this setup.
 */
export function startStatusWatch(options: {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  recorder: ClaimStatusRecorder;
  notifier: ServiceChangeNotifier;
  pops: CatalogPopDirectory;
}): { confirmRemovals?: ConfirmRemovals } {
  const { config, logger, lifecycle, recorder, notifier, pops } = options;
  const reach = PopClusters.fromConfig(config);
  for (const cluster of reach.skipped) {
    logger.info(`Not watching cluster ${cluster.name}: ${cluster.reason}`);
  }
  let watcher: ClaimWatcher | undefined;
  const report = async (event: ClaimEvent) => {
    const changed = await recorder.record(event, watcher?.clusterNames ?? []);
    if (changed) {
      await notifier.notify(
        changed,
        event.type === 'DELETED' ? 'deleted' : 'status',
      );
    }
  };
  const watching =
    reach.anyReachable &&
    config.getOptionalBoolean('dbaas.status.watch') !== false;
  if (watching) {
    const claims = new ClaimWatcher({ clusters: [], logger, onClaim: report });
    watcher = claims;
    let reported = '';
    let stopped = false;
    const followPops = async () => {
      const list = await pops.listPops();
      // A read that ends after shutdown starts no watch.
      if (stopped) return;
      const notes = [
        ...reach
          .notPops(new Set(list.map(pop => pop.id)))
          .map(name => `${name}: no PoP of that name in the catalog`),
      ];
      const watched = [];
      for (const pop of list) {
        const cluster = reach.clusterOf(pop.id, pops.addressOf(pop.id));
        if (cluster) {
          watched.push({ name: pop.id, kubeConfig: kubeConfigFor(cluster) });
        } else {
          notes.push(
            `${pop.id}: no cluster of that name is configured, and the portal has no address (kubernetes.io/api-server on its entity) and token (dbaas.pops.tokenDirectory/${pop.id}) for it`,
          );
        }
      }
      const notice = notes.join('; ');
      if (notice && notice !== reported) {
        logger.info(`Not watching ${notice}`);
      }
      reported = notice;
      await claims.watch(watched);
    };
    const follow = () =>
      followPops().catch(error =>
        logger.warn(
          'Could not bring the watched clusters in line with the PoPs',
          toError(error),
        ),
      );
    let timer: NodeJS.Timeout | undefined;
    lifecycle.addStartupHook(async () => {
      await follow();
      timer = setInterval(follow, FOLLOW_POPS_MS);
      timer.unref();
    });
    lifecycle.addShutdownHook(async () => {
      stopped = true;
      clearInterval(timer);
      await claims.stop();
    });
    return {};
  }

  return {
    confirmRemovals: async removals => {
      for (const { record, sha } of removals) {
        await report({
          type: 'DELETED',
          serviceId: record.id,
          namespace: tenantNamespace(record.tenant),
          name: record.name,
          portalGeneration: record.generation,
          observedAt: new Date(),
          detail: `Removal committed in ${sha}; no cluster confirms removals in this setup`,
        });
      }
    },
  };
}
