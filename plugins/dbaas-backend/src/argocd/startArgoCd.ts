import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import type { ServiceStore } from '../database/ServiceStore';
import type { ServiceChangeNotifier } from '../notify/ServiceChangeNotifier';
import { tenantOfSlug } from '../tenancy/tenantSlugs';
import { argoCdFromConfig } from './argoCdFromConfig';
import { ArgoCdRefresher } from './ArgoCdRefresher';
import { SyncFailureWatcher } from './SyncFailureWatcher';

/**
 * With `dbaas.gitops.argocd` (and a way to the cluster Argo CD runs on): the
 * refresher the GitOps publisher asks after each commit, and the watch that
 * puts Argo CD's sync errors on the databases' timelines, started and stopped
 * with the plugin. Nothing otherwise.
 */
export function startArgoCd(options: {
  config: RootConfigService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  db: Knex;
  services: ServiceStore;
  notifier: ServiceChangeNotifier;
}): { refresher?: ArgoCdRefresher } {
  const { config, logger, lifecycle, db, services, notifier } = options;
  const client = argoCdFromConfig(config, logger);
  if (!client) return {};
  const watcher = new SyncFailureWatcher({
    client,
    logger,
    onFailures: async failures => {
      for (const failure of failures) {
        // Applications name the tenant by its slug; a slug nobody holds has no databases.
        const tenant = await tenantOfSlug(db, failure.tenant);
        if (!tenant) continue;
        const recorded = await services.recordSyncFailure({
          tenant,
          cluster: failure.cluster,
          message: failure.message,
          claims: failure.claims,
          except: failure.except,
          at: new Date(),
        });
        for (const record of recorded) {
          await notifier.notify(record, 'status');
        }
      }
    },
  });
  const refresher = new ArgoCdRefresher(client, logger);
  lifecycle.addStartupHook(() => watcher.start());
  lifecycle.addShutdownHook(async () => {
    await watcher.stop();
    await refresher.stop();
  });
  return { refresher };
}
