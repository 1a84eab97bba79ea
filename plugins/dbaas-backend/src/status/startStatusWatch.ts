import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { ClaimStatusRecorder } from './ClaimStatusRecorder';
import type { ServiceChangeNotifier } from '../notify/ServiceChangeNotifier';
import { ClaimWatcher } from './ClaimWatcher';
import { clustersFromConfig, kubeConfigFor } from './clustersFromConfig';
import { syncGitOpsToCluster } from '../dev/gitopsSync';

/**
 * Watches the configured clusters' ServiceClaims and records what they report,
 * announcing each change; and, in development only, runs the Argo CD stand-in.
 */
export function startStatusWatch(options: {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  scheduler: SchedulerService;
  recorder: ClaimStatusRecorder;
  notifier: ServiceChangeNotifier;
}) {
  const { config, logger, lifecycle, recorder, notifier } = options;
  const { clusters, skipped } = clustersFromConfig(config);
  for (const cluster of skipped) {
    logger.info(`Not watching cluster ${cluster.name}: ${cluster.reason}`);
  }
  const watched = clusters.map(cluster => ({
    name: cluster.name,
    kubeConfig: kubeConfigFor(cluster),
  }));
  if (
    watched.length > 0 &&
    config.getOptionalBoolean('dbaas.status.watch') !== false
  ) {
    const watcher = new ClaimWatcher({
      clusters: watched,
      logger,
      onClaim: async event => {
        const changed = await recorder.record(event);
        if (changed) {
          await notifier.notify(
            changed,
            event.type === 'DELETED' ? 'deleted' : 'status',
          );
        }
      },
    });
    lifecycle.addStartupHook(() => watcher.start());
    lifecycle.addShutdownHook(() => watcher.stop());
  }

  const localPath = config.getOptionalString('dbaas.gitops.localPath');
  if (config.getOptionalBoolean('dbaas.gitopsSync.enabled') && localPath) {
    const seconds =
      config.getOptionalNumber('dbaas.gitopsSync.intervalSeconds') ?? 5;
    logger.warn(
      'The development stand-in for Argo CD (dbaas.gitopsSync) applies the local GitOps repository to the configured clusters',
    );
    options.scheduler.scheduleTask({
      id: 'dbaas-gitops-sync',
      frequency: { seconds },
      timeout: { seconds: 60 },
      scope: 'local',
      fn: async () => {
        for (const cluster of watched) {
          try {
            await syncGitOpsToCluster({
              repositoryPath: localPath,
              kubeConfig: cluster.kubeConfig,
              logger,
            });
          } catch (error) {
            logger.warn(
              `GitOps sync to ${cluster.name} failed`,
              toError(error),
            );
          }
        }
      },
    });
  }
}
