import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { ConfiguredProvisioner } from './provisionerFromConfig';

/**
 * Starts writing the GitOps outbox with the plugin, stops with it, and
 * schedules the comparison of the repository with the databases
 * (`dbaas.gitops.reconcileMinutes`), once across replicas.
 */
export function startGitOpsPublishing(options: {
  configured: ConfiguredProvisioner;
  config: RootConfigService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  scheduler: SchedulerService;
}): void {
  const { configured, config, lifecycle, logger, scheduler } = options;
  const { publisher, reconciler } = configured;
  if (publisher) {
    lifecycle.addStartupHook(() => publisher.start());
    lifecycle.addShutdownHook(() => publisher.stop());
  }
  if (reconciler) {
    const minutes = config.getOptionalNumber('dbaas.gitops.reconcileMinutes');
    scheduler.scheduleTask({
      id: 'dbaas-gitops-reconcile',
      frequency: { minutes: minutes ?? 10 },
      timeout: { minutes: 10 },
      // A start compares first: a change lost to a crash is repaired at once.
      initialDelay: { seconds: 30 },
      fn: async () => {
        try {
          await reconciler.reconcile();
        } catch (error) {
          logger.error(
            'Could not compare the GitOps repository with the databases',
            toError(error),
          );
        }
      },
    });
  }
}
