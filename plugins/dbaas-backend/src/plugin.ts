import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startArgoCd } from './argocd/startArgoCd';
import {
  actionsRegistryServiceRef,
  metricsServiceRef,
} from '@backstage/backend-plugin-api/alpha';
import { notificationService } from '@backstage/plugin-notifications-node';
import { RestoreDrillStore } from './database/RestoreDrillStore';
import { startRestoreDrills } from './drills/startRestoreDrills';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  dbaasPermissions,
  skuCatalogFor,
} from '@internal/backstage-plugin-dbaas-common';
import { DatabaseBackupStore } from './database/DatabaseBackupStore';
import { DatabaseSkuCatalogStore } from './database/DatabaseSkuCatalogStore';
import { DatabaseServiceStore } from './database/DatabaseServiceStore';
import { GrantStore } from './database/GrantStore';
import { TimelineStore } from './database/TimelineStore';
import { ClaimStatusRecorder } from './status/ClaimStatusRecorder';
import { DatabaseLifecycle } from './lifecycle/DatabaseLifecycle';
import { grantInitialOwners } from './lifecycle/grantInitialOwners';
import { migratedClient } from './database/migrations';
import { startStatusWatch } from './status/startStatusWatch';
import { phaseNotifier } from './status/phaseNotifier';
import { sliMetrics } from './status/sliMetrics';
import { ServiceChangeNotifier } from './notify/ServiceChangeNotifier';
import { ensureLocalGitOpsRepository } from './gitops/ensureLocalGitOpsRepository';
import { PrometheusMetricsSource } from './metrics/PrometheusMetricsSource';
import { PlatformLimits } from './platform/PlatformLimits';
import { ApiClients } from './apiClients/ApiClients';
import { ApiClientStore } from './apiClients/ApiClientStore';
import { DbaasAccess } from './permissions/DbaasAccess';
import { registerPermissions } from './permissions/registerPermissions';
import { provisionerFromConfig } from './provisioner/provisionerFromConfig';
import { startGitOpsPublishing } from './provisioner/startGitOpsPublishing';
import { GitOpsOutboxStore } from './database/GitOpsOutboxStore';
import { DatabaseRateLimiter } from './rateLimit/DatabaseRateLimiter';
import { AuditTrail } from './audit/AuditTrail';
import { createRouter } from './router/router';
import type { RouteContext } from './router/routes/RouteContext';
import { registerDbaasActions } from './actions/registerDbaasActions';
import { AlertReceiver } from './alerts/AlertReceiver';
import { AlertStore } from './alerts/AlertStore';
import { alertNotifier } from './alerts/alertNotifier';
import { alertSourcesFromConfig } from './alerts/alertSources';
import { startOutboxRelays } from './outbox/startOutboxRelays';
import { startRetention } from './retention/startRetention';
import { createReadableTenantsRouter } from './router/readableTenantsRouter';
import { CatalogTenantDirectory } from './tenancy/CatalogTenantDirectory';
import { CatalogPopDirectory } from './pops/CatalogPopDirectory';
import { LiveSkuCatalog } from './pops/LiveSkuCatalog';
import { TenantCosts } from './cost/TenantCosts';
import { pricesFromConfig } from './cost/pricesFromConfig';
import { TenantBudgetStore } from './database/TenantBudgetStore';

/**
 * The DBaaS backend plugin: the `/api/dbaas/v1` API of the portal.
 *
 * @public
 */
export const dbaasPlugin = createBackendPlugin({
  pluginId: 'dbaas',
  register(env) {
    env.registerInit({
      deps: {
        actionsRegistry: actionsRegistryServiceRef,
        auditor: coreServices.auditor,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        events: eventsServiceRef,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        metrics: metricsServiceRef,
        notifications: notificationService,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, database, httpRouter, logger } = deps;
        // Bad limits stop the start here, before anything is created.
        const limits = PlatformLimits.fromConfig(config);
        const localPath = config.getOptionalString('dbaas.gitops.localPath');
        if (localPath && (await ensureLocalGitOpsRepository(localPath))) {
          logger.info(`Created the local GitOps repository at ${localPath}`);
        }

        // The PoPs are catalog entities; the SKU catalog follows them.
        const pops = CatalogPopDirectory.fromConfig(config, {
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
        });
        const skuCatalog = new LiveSkuCatalog(
          pops,
          await DatabaseSkuCatalogStore.create({
            database,
            // Engines and plans only: the PoPs come with the first read.
            catalog: skuCatalogFor([]),
          }),
        );
        const services = await DatabaseServiceStore.create({
          database,
          limits,
        });
        // The audit outbox and its relay work on the plugin's database directly
        // (audit/auditOutbox.ts); everything else goes through its store.
        const db = await migratedClient(database);
        const grants = await GrantStore.create({ database });
        const timeline = await TimelineStore.create({ database });
        const notifier = new ServiceChangeNotifier(
          deps.events,
          deps.signals,
          logger,
        );
        const apiClients = ApiClients.fromConfig(config, {
          store: new ApiClientStore(db),
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
        });
        const access = new DbaasAccess(
          deps.permissions,
          deps.permissionsRegistry,
          grants,
          {
            apiClients,
            platformAdmins:
              config.getOptionalStringArray(
                'dbaas.permissions.platformAdmins',
              ) ?? [],
          },
        );
        const directory = new CatalogTenantDirectory({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
        });
        registerPermissions(
          deps.permissionsRegistry,
          dbaasPermissions,
          access,
          services,
          directory,
        );

        const backups = await DatabaseBackupStore.create({
          database,
          defaultQuota: limits.defaultQuota,
        });
        const audit = new AuditTrail(db, deps.auditor, logger);
        await grantInitialOwners({
          config,
          grants,
          audit,
          auth: deps.auth,
          logger,
        });
        // What each recorded cluster report changed: the SLIs, and the
        // owning team told when a database fails or recovers.
        const slis = sliMetrics(deps.metrics);
        const notifyPhase = phaseNotifier({
          notifications: deps.notifications,
          logger,
        });
        const recorder = new ClaimStatusRecorder(
          services,
          backups,
          outcomes => {
            slis(outcomes);
            void notifyPhase(outcomes);
          },
        );
        // Before the provisioner: where no cluster is watched, the commit of a
        // removal is what ends a database (see startStatusWatch).
        const { confirmRemovals } = startStatusWatch({
          config,
          logger,
          lifecycle: deps.lifecycle,
          recorder,
          notifier,
          pops,
        });
        const argoCd = startArgoCd({
          config,
          logger,
          lifecycle: deps.lifecycle,
          db,
          services,
          notifier,
        });
        const configured = await provisionerFromConfig({
          config,
          logger,
          timeline,
          services,
          outbox: await GitOpsOutboxStore.create({ database }),
          pops,
          ...(confirmRemovals ? { confirmRemovals } : {}),
          refresher: argoCd.refresher,
        });
        recorder.commitPrimaryBackupsWith(configured.provisioner);
        startGitOpsPublishing({
          configured,
          config,
          lifecycle: deps.lifecycle,
          logger,
          scheduler: deps.scheduler,
        });

        const requestsPerMinute = config.getOptionalNumber(
          'dbaas.rateLimit.requestsPerMinute',
        );
        // Before the API's router, whose last handler answers 404.
        httpRouter.use(
          createReadableTenantsRouter({
            httpAuth: deps.httpAuth,
            services,
            logger,
          }),
        );
        const costs = new TenantCosts({
          services,
          budgets: await TenantBudgetStore.create({ database }),
          audit,
          notifications: deps.notifications,
          logger,
          prices: pricesFromConfig(config),
        });
        const lifecycle = new DatabaseLifecycle({
          db,
          services,
          backups,
          audit,
          provisioner: configured.provisioner,
          notifier,
          costs,
        });
        const drills = await startRestoreDrills({
          config,
          logger,
          scheduler: deps.scheduler,
          auth: deps.auth,
          metrics: deps.metrics,
          notifications: deps.notifications,
          services,
          backups,
          drills: await RestoreDrillStore.create({ database }),
          timeline,
          lifecycle,
        });
        const alerts = new AlertStore(db);
        const alertReceiver = new AlertReceiver({
          services,
          alerts,
          sources: alertSourcesFromConfig(config),
          logger,
          onChanges: alertNotifier({
            notifications: deps.notifications,
            logger,
          }),
        });
        const context: RouteContext = {
          db,
          skuCatalog,
          services,
          limits,
          backups,
          grants,
          directory,
          access,
          audit,
          lifecycle,
          timeline,
          drills,
          alerts,
          alertReceiver,
          apiClients,
          auditor: deps.auditor,
          metricsSource: PrometheusMetricsSource.fromConfig(config),
          costs,
          rateLimiter: await DatabaseRateLimiter.create({
            database,
            logger,
            ...(requestsPerMinute ? { limit: requestsPerMinute } : {}),
          }),
        };
        httpRouter.use(
          await createRouter({
            metrics: deps.metrics,
            httpAuth: deps.httpAuth,
            logger,
            context,
          }),
        );
        // The API's routes for agents, as the signed-in user (actions/).
        registerDbaasActions(deps.actionsRegistry, {
          context,
          auth: deps.auth,
        });
        const published = startOutboxRelays(deps, db);
        startRetention({
          config,
          logger,
          scheduler: deps.scheduler,
          db,
          alerts,
          published,
        });
        // The router authenticates every request itself (see createRouter).
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});
