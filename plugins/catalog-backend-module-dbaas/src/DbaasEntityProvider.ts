import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type AuthService,
  type DiscoveryService,
  type LoggerService,
  type RootConfigService,
  type SchedulerService,
  type SchedulerServiceTaskRunner,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import type {
  CatalogService,
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type { EventParams, EventsService } from '@backstage/plugin-events-node';
import {
  DBAAS_ANNOTATIONS,
  DBAAS_SERVICE_CHANGED_TOPIC,
  type ServiceChangedEvent,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { DbaasServiceClient } from './DbaasServiceClient';
import { listAllServices } from './listAllServices';
import { serviceEntity } from './serviceEntity';

type Action = ServiceChangedEvent['action'];

const ACTIONS: readonly string[] = [
  'created',
  'updated',
  'deleted',
  'status',
] satisfies Action[];

// The rest of the payload is not needed: the database is read from the API.
function isServiceChange(
  payload: unknown,
): payload is Pick<ServiceChangedEvent, 'id' | 'action'> {
  const change = payload as Partial<ServiceChangedEvent> | null;
  return (
    typeof change?.id === 'string' &&
    change.id.length > 0 &&
    ACTIONS.includes(change.action as string)
  );
}

// A database being deleted leaves the catalog when its deletion is accepted
// (the `deleted` event), for good: deletion cannot be taken back, and the full
// run must not bring it back while the cluster tears it down.
const inCatalog = (service: ServiceSummary) => service.status !== 'deleting';

// Events bring each change within seconds; the full run only repairs what they
// missed (a restart, a lost event), so it need not be frequent.
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 3 },
};

// A full run retries the listing this often when databases change under it.
const LISTING_ATTEMPTS = 3;
// Databases fetched at once when a burst of changes is applied.
const FETCH_CONCURRENCY = 8;
// A change that cannot be applied is retried after 1, 2, 4, 8 and 16 s; then the
// next full run corrects the catalog.
const CHANGE_ATTEMPTS = 6;

type PendingChange = { action: Action; attempt: number };

/**
 * Puts every DBaaS database in the catalog as a Resource (see
 * {@link serviceEntity}). A scheduled run replaces them all (a full mutation);
 * in between, each `dbaas.service.changed` event updates its one database (a
 * delta), so a new database shows within seconds instead of at the next run.
 *
 * There is one provider, `dbaas:default`: a backend serves one DBaaS API.
 *
 * @public
 */
export class DbaasEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly pending = new Map<string, PendingChange>();
  private draining = false;
  /** Changes seen while a full run reads the list, re-applied after it. */
  private changedDuringRefresh?: Map<string, Action>;

  /** Reads `catalog.providers.dbaas.schedule`. */
  static fromConfig(
    config: RootConfigService,
    deps: {
      auth: AuthService;
      catalog: CatalogService;
      discovery: DiscoveryService;
      events: EventsService;
      logger: LoggerService;
      scheduler: SchedulerService;
    },
  ): DbaasEntityProvider {
    const scheduleConfig = config.getOptionalConfig(
      'catalog.providers.dbaas.schedule',
    );
    const schedule = scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : DEFAULT_SCHEDULE;
    return new DbaasEntityProvider({
      ...deps,
      client: new DbaasServiceClient(deps),
      taskRunner: deps.scheduler.createScheduledTaskRunner(schedule),
    });
  }

  private constructor(
    private readonly deps: {
      auth: AuthService;
      catalog: CatalogService;
      client: DbaasServiceClient;
      events: EventsService;
      logger: LoggerService;
      taskRunner: SchedulerServiceTaskRunner;
    },
  ) {}

  getProviderName(): string {
    return 'dbaas:default';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.deps.events.subscribe({
      id: 'dbaas-entity-provider',
      topics: [DBAAS_SERVICE_CHANGED_TOPIC],
      onEvent: async params => this.onEvent(params),
    });
    await this.deps.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: async signal => {
        try {
          await this.refresh(signal);
        } catch (error) {
          this.deps.logger.error(
            'Failed to read the DBaaS databases; the next run tries again',
            toError(error),
          );
        }
      },
    });
  }

  /** Replaces the catalog's databases by what the DBaaS API lists. */
  async refresh(signal?: AbortSignal): Promise<void> {
    const connection = this.requireConnection();
    const changed = new Map<string, Action>();
    this.changedDuringRefresh = changed;
    try {
      let listing = await listAllServices(this.deps.client, signal);
      for (let n = 2; n <= LISTING_ATTEMPTS && !listing.consistent; n++) {
        listing = await listAllServices(this.deps.client, signal);
      }
      const entities = await Promise.all(
        listing.services
          .filter(inCatalog)
          .map(service => this.deferredEntity(service)),
      );
      if (listing.consistent) {
        await connection.applyMutation({ type: 'full', entities });
      } else {
        // Databases kept changing while they were listed, so one may be
        // missing: a full mutation would take it out of the catalog.
        this.deps.logger.warn(
          'The DBaaS databases changed while they were listed; added them without removing any',
        );
        await connection.applyMutation({
          type: 'delta',
          added: entities,
          removed: [],
        });
      }
      this.deps.logger.info(
        `Put ${entities.length} DBaaS databases in the catalog`,
      );
    } finally {
      this.changedDuringRefresh = undefined;
      // The list may predate these changes and the full mutation undo them.
      for (const [id, action] of changed) {
        this.enqueue(id, action);
      }
    }
  }

  private onEvent(params: EventParams) {
    const payload = params.eventPayload;
    if (!isServiceChange(payload)) {
      this.deps.logger.warn(
        `Ignored a ${params.topic} event without a database id and action`,
      );
      return;
    }
    this.changedDuringRefresh?.set(payload.id, payload.action);
    this.enqueue(payload.id, payload.action);
  }

  /**
   * Queues a change and returns at once: the publisher is not kept waiting, and
   * changes that arrive while others are applied are applied together, each
   * database once however many events it had.
   */
  private enqueue(id: string, action: Action, attempt = 0) {
    // Ids are never reused: once deleted, a database stays deleted.
    if (this.pending.get(id)?.action !== 'deleted') {
      this.pending.set(id, { action, attempt });
    }
    if (!this.draining) {
      this.draining = true;
      void this.drain();
    }
  }

  private async drain() {
    while (this.pending.size > 0) {
      const batch = [...this.pending];
      this.pending.clear();
      try {
        await this.applyChanges(batch);
      } catch (error) {
        // applyChanges retries what fails; this is a bug, and must not stop the queue.
        this.deps.logger.error(
          'Failed to apply DBaaS database changes',
          toError(error),
        );
      }
    }
    this.draining = false;
  }

  private async applyChanges(batch: [string, PendingChange][]) {
    const added: DeferredEntity[] = [];
    const removed: { entityRef: string; locationKey: string }[] = [];
    const applied: [string, PendingChange][] = [];
    const queue = [...batch];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [id, change] = next;
        try {
          const service =
            change.action === 'deleted'
              ? undefined
              : await this.deps.client.getService(id);
          if (service && inCatalog(service)) {
            added.push(await this.deferredEntity(service));
          } else {
            for (const entityRef of await this.entityRefsOf(id)) {
              removed.push({ entityRef, locationKey: this.getProviderName() });
            }
          }
          applied.push(next);
        } catch (error) {
          this.retryLater(id, change, error);
        }
      }
    };
    await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, worker));
    if (added.length === 0 && removed.length === 0) {
      return;
    }
    try {
      await this.requireConnection().applyMutation({
        type: 'delta',
        added,
        removed,
      });
    } catch (error) {
      for (const [id, change] of applied) {
        this.retryLater(id, change, error);
      }
    }
  }

  private retryLater(id: string, change: PendingChange, error: unknown) {
    if (change.attempt + 1 >= CHANGE_ATTEMPTS) {
      this.deps.logger.error(
        `Gave up putting DBaaS database ${id} in the catalog; the next full run will`,
        toError(error),
      );
      return;
    }
    const delayMs = 1000 * 2 ** change.attempt;
    this.deps.logger.warn(
      `Failed to put DBaaS database ${id} in the catalog; retrying in ${
        delayMs / 1000
      } s`,
      toError(error),
    );
    // Unref'd: a pending retry must not keep a stopping backend alive.
    setTimeout(
      () => this.enqueue(id, change.action, change.attempt + 1),
      delayMs,
    ).unref();
  }

  /**
   * The catalog's entities for a database that is gone. Its name is no longer
   * known, only its id, which the entities carry as an annotation.
   */
  private async entityRefsOf(id: string): Promise<string[]> {
    const { items } = await this.deps.catalog.getEntities(
      {
        filter: {
          kind: 'Resource',
          [`metadata.annotations.${DBAAS_ANNOTATIONS.serviceId}`]: id,
        },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    return items.map(entity => stringifyEntityRef(entity));
  }

  private async deferredEntity(
    service: ServiceSummary,
  ): Promise<DeferredEntity> {
    return {
      entity: serviceEntity(
        service,
        await this.deps.client.serviceUrl(service.id),
      ),
      locationKey: this.getProviderName(),
    };
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    return this.connection;
  }
}
