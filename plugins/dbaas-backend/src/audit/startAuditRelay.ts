import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { AuditRelay } from './AuditRelay';

/**
 * Publishes the audit outbox to Kafka when brokers are configured. Without them
 * events are still recorded and served by /audit-logs; the log says so.
 */
export function startAuditRelay(
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
