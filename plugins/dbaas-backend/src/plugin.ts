import {
  coreServices,
  createBackendPlugin,
  type LifecycleService,
  type LoggerService,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { AuditRelay } from './audit/AuditRelay';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  dbaasPermissions,
  serviceCatalog,
} from '@internal/backstage-plugin-dbaas-common';
import { DatabaseBackupStore } from './database/DatabaseBackupStore';
import { DatabaseCatalogStore } from './database/DatabaseCatalogStore';
import { DatabaseServiceStore } from './database/DatabaseServiceStore';
import { GrantStore } from './database/GrantStore';
import { TimelineStore } from './database/TimelineStore';
import { ClaimStatusRecorder } from './database/ClaimStatusRecorder';
import { startStatusWatch } from './status/startStatusWatch';
import { ServiceChangeNotifier } from './service/ServiceChangeNotifier';
import { ensureLocalGitOpsRepository } from './gitops/ensureLocalGitOpsRepository';
import { PrometheusMetricsSource } from './metrics/PrometheusMetricsSource';
import { PlatformLimits } from './platform/PlatformLimits';
import { DbaasAccess } from './permissions/DbaasAccess';
import { registerPermissions } from './permissions/registerPermissions';
import { provisionerFromConfig } from './provisioner/provisionerFromConfig';
import { startGitOpsPublishing } from './provisioner/startGitOpsPublishing';
import { GitOpsOutboxStore } from './database/GitOpsOutboxStore';
import { DatabaseRateLimiter } from './rateLimit/DatabaseRateLimiter';
import { AuditTrail } from './service/auditTrail';
import { createRouter } from './service/router';
import { createReadableTenantsRouter } from './service/readableTenantsRouter';
import { CatalogTenantDirectory } from './tenancy/CatalogTenantDirectory';

/**
 * Publishes the audit outbox to Kafka when brokers are configured. Without them
 * events are still recorded and served by /audit-logs; the log says so.
 */
function startAuditRelay(
  deps: {
    config: RootConfigService;
    lifecycle: LifecycleService;
    logger: LoggerService;
  },
  db: Knex,
) {
  const brokers = deps.config.getOptionalStringArray(
    'dbaas.audit.kafka.brokers',
  );
  if (!brokers?.length) {
    deps.logger.warn(
      'Audit events are recorded but not published: dbaas.audit.kafka.brokers is not set',
    );
    return;
  }
  const relay = AuditRelay.create({
    db,
    kafka: {
      brokers,
      clientId: deps.config.getOptionalString('dbaas.audit.kafka.clientId'),
    },
    logger: deps.logger,
  });
  deps.lifecycle.addStartupHook(() => relay.start());
  deps.lifecycle.addShutdownHook(() => relay.stop());
}

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

        const catalogStore = await DatabaseCatalogStore.create({
          database,
          catalog: serviceCatalog,
        });
        await catalogStore.replaceCatalog(serviceCatalog);
        const services = await DatabaseServiceStore.create({
          database,
          limits,
        });
        const db = services.db;
        const grants = new GrantStore(db);
        const timeline = new TimelineStore(db);
        const notifier = new ServiceChangeNotifier(
          deps.events,
          deps.signals,
          logger,
        );
        const access = new DbaasAccess(
          deps.permissions,
          deps.permissionsRegistry,
          grants,
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

        const configured = await provisionerFromConfig({
          config,
          logger,
          timeline,
          services,
          outbox: await GitOpsOutboxStore.create({ database }),
        });
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
        httpRouter.use(
          await createRouter({
            catalogStore,
            metrics: deps.metrics,
            httpAuth: deps.httpAuth,
            logger,
            context: {
              db,
              catalog: serviceCatalog,
              services,
              backups: new DatabaseBackupStore(db, limits.defaultQuota),
              grants,
              directory,
              access,
              audit: new AuditTrail(db, deps.auditor, logger),
              provisioner: configured.provisioner,
              timeline,
              notifier,
              metricsSource: PrometheusMetricsSource.fromConfig(config),
              rateLimiter: await DatabaseRateLimiter.create({
                database,
                logger,
                ...(requestsPerMinute ? { limit: requestsPerMinute } : {}),
              }),
            },
          }),
        );
        startAuditRelay(deps, db);
        startStatusWatch({
          config,
          logger,
          lifecycle: deps.lifecycle,
          scheduler: deps.scheduler,
          recorder: new ClaimStatusRecorder(db, timeline),
          notifier,
        });
        // The router authenticates every request itself (see createRouter).
        httpRouter.addAuthPolicy({ path: '/', allow: 'unauthenticated' });
      },
    });
  },
});
