import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { tenantNamespace } from '@internal/backstage-plugin-dbaas-common';
import type { ConfirmRemovals } from '../gitops/ConfirmRemovals';
import type { ClaimEvent, ClaimStatusRecorder } from './ClaimStatusRecorder';
import type { ServiceChangeNotifier } from '../notify/ServiceChangeNotifier';
import { ClaimWatcher } from './ClaimWatcher';
import { clustersFromConfig, kubeConfigFor } from './clustersFromConfig';

/**
 * Watches the configured clusters' ServiceClaims and records what they report,
 * announcing each change.
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
}): { confirmRemovals?: ConfirmRemovals } {
  const { config, logger, lifecycle, recorder, notifier } = options;
  const { clusters, skipped } = clustersFromConfig(config);
  for (const cluster of skipped) {
    logger.info(`Not watching cluster ${cluster.name}: ${cluster.reason}`);
  }
  const watched = clusters.map(cluster => ({
    name: cluster.name,
    kubeConfig: kubeConfigFor(cluster),
  }));
  const report = async (event: ClaimEvent) => {
    const changed = await recorder.record(
      event,
      watched.map(cluster => cluster.name),
    );
    if (changed) {
      await notifier.notify(
        changed,
        event.type === 'DELETED' ? 'deleted' : 'status',
      );
    }
  };
  const watching =
    watched.length > 0 &&
    config.getOptionalBoolean('dbaas.status.watch') !== false;
  if (watching) {
    const watcher = new ClaimWatcher({
      clusters: watched,
      logger,
      onClaim: report,
    });
    lifecycle.addStartupHook(() => watcher.start());
    lifecycle.addShutdownHook(() => watcher.stop());
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
