import type {
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { alertOutbox } from '../alerts/alertEvents';
import { auditOutbox } from '../audit/auditMessages';
import { OutboxRelay, type Outbox, type OutboxRow } from './OutboxRelay';

type Config = NonNullable<ReturnType<RootConfigService['getOptionalConfig']>>;

/** Which outboxes a relay publishes: their unpublished rows are still due. */
export type PublishedOutboxes = { audit: boolean; alerts: boolean };

/**
 * Publishes the audit trail (`dbaas.audit.kafka`) and the alert events
 * (`dbaas.alerts.kafka`, by default the audit trail's Kafka) to Kafka, each
 * when it has brokers. Without them events are still recorded and served by
 * the API (`/audit-logs`, a database's `/alerts`); the log says so.
 */
export function startOutboxRelays(
  deps: {
    config: RootConfigService;
    lifecycle: LifecycleService;
    logger: LoggerService;
  },
  db: Knex,
): PublishedOutboxes {
  const auditKafka = deps.config.getOptionalConfig('dbaas.audit.kafka');
  return {
    audit: start(deps, db, auditOutbox, 'dbaas.audit.kafka', auditKafka),
    alerts: start(
      deps,
      db,
      alertOutbox,
      'dbaas.alerts.kafka',
      deps.config.getOptionalConfig('dbaas.alerts.kafka') ?? auditKafka,
    ),
  };
}

function start<Row extends OutboxRow>(
  deps: { lifecycle: LifecycleService; logger: LoggerService },
  db: Knex,
  outbox: Outbox<Row>,
  key: string,
  kafka: Config | undefined,
): boolean {
  const brokers = kafka?.getOptionalStringArray('brokers');
  if (!brokers?.length) {
    deps.logger.warn(
      `${outbox.name} events are recorded but not published: ${key}.brokers is not set`,
    );
    return false;
  }
  const relay = OutboxRelay.create({
    db,
    outbox,
    kafka: { brokers, clientId: kafka?.getOptionalString('clientId') },
    logger: deps.logger,
  });
  deps.lifecycle.addStartupHook(() => relay.start());
  deps.lifecycle.addShutdownHook(() => relay.stop());
  return true;
}
