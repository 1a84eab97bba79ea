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
import { cdcTopicEntity, cdcTopicsOf } from './cdcTopicEntity';
import { hasCdcTopicDefinition } from './cdcTopicDefinition';
import { DbaasServiceClient } from './DbaasServiceClient';
import { listAllServices } from './listAllServices';
import { serviceEntity } from './serviceEntity';
import {
  ServiceChangeQueue,
  type ServiceChangeAction as Action,
} from './ServiceChangeQueue';

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

/**
 * Puts every DBaaS database in the catalog as a Resource (see
 * {@link serviceEntity}), and each topic of its CDC pipelines as an API
 * entity (cdcTopicEntity), both read from the databases' list and summary
 * (`cdcPipelines`): no request per database. A scheduled run replaces them
 * all (a full mutation); in between, each `dbaas.service.changed` event
 * updates its one database and its topics (a delta, through a
 * {@link ServiceChangeQueue}), so a new database shows within seconds
 * instead of at the next run.
 *
 * There is one provider, `dbaas:default`: a backend serves one DBaaS API.
 *
 * @public
 */
export class DbaasEntityProvider implements EntityProvider {
  private connection?: EntityProviderConnection;
  private readonly changes: ServiceChangeQueue;
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
  ) {
    this.changes = new ServiceChangeQueue({
      apply: batch => this.applyChanges(batch),
      logger: deps.logger,
    });
  }

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
      const entities = (
        await Promise.all(
          listing.services.map(service => this.deferredEntities(service)),
        )
      ).flat();
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
        `Put ${listing.services.length} DBaaS databases and ${
          entities.length - listing.services.length
        } of their CDC topics in the catalog`,
      );
    } finally {
      this.changedDuringRefresh = undefined;
      // The list may predate these changes and the full mutation undo them.
      for (const [id, action] of changed) {
        this.changes.add(id, action);
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
    this.changes.add(payload.id, payload.action);
  }

  /**
   * Applies a batch of changes as one delta: reads each database and adds its
   * entities (its Resource and its topics' APIs) and removes the topics it no
   * longer has, or removes the entities of one that is gone. Resolves to the
   * changes that failed, with why.
   *
   * A `deleted` event is read like any other: it is announced when a deletion
   * is accepted as well as when the database is gone, and a database being
   * deleted keeps its entity (phase Deleting) until the API no longer serves
   * it, so that the pages linking to it keep working meanwhile.
   */
  private async applyChanges(
    batch: [string, Action][],
  ): Promise<[string, unknown][]> {
    const added: DeferredEntity[] = [];
    const removed: { entityRef: string; locationKey: string }[] = [];
    const applied: string[] = [];
    const failed: [string, unknown][] = [];
    const queue = [...batch];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const [id] = next;
        try {
          const service = await this.deps.client.getService(id);
          // A delta replaces only what it names: the entities of a database
          // that is gone, and the topics of a pipeline one lost, must be
          // named to go.
          let gone: string[];
          if (service) {
            const entities = await this.deferredEntities(service);
            const kept = new Set(
              entities.map(e => stringifyEntityRef(e.entity)),
            );
            gone = hasCdcTopicDefinition(service.engine)
              ? (await this.entityRefsOf(id, ['API'])).filter(
                  ref => !kept.has(ref),
                )
              : [];
            added.push(...entities);
          } else {
            gone = await this.entityRefsOf(id);
          }
          for (const entityRef of gone) {
            removed.push({ entityRef, locationKey: this.getProviderName() });
          }
          applied.push(id);
        } catch (error) {
          failed.push([id, error]);
        }
      }
    };
    await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, worker));
    if (added.length === 0 && removed.length === 0) {
      return failed;
    }
    // A table moved from one database of the tenant to another keeps its
    // topic: the one that lost it must not remove what the other adds.
    const adding = new Set(added.map(e => stringifyEntityRef(e.entity)));
    try {
      await this.requireConnection().applyMutation({
        type: 'delta',
        added,
        removed: removed.filter(r => !adding.has(r.entityRef)),
      });
    } catch (error) {
      failed.push(...applied.map(id => [id, error] as [string, unknown]));
    }
    return failed;
  }

  /**
   * The catalog's entities of a database, of the given kinds: its Resource
   * and its topics' APIs. Found by its id, which they carry as an
   * annotation: the name of a database that is gone is no longer known.
   */
  private async entityRefsOf(
    id: string,
    kinds: ('Resource' | 'API')[] = ['Resource', 'API'],
  ): Promise<string[]> {
    const { items } = await this.deps.catalog.getEntities(
      {
        // One filter per kind: the filters of a list are alternatives.
        filter: kinds.map(kind => ({
          kind,
          [`metadata.annotations.${DBAAS_ANNOTATIONS.serviceId}`]: id,
        })),
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    return items.map(entity => stringifyEntityRef(entity));
  }

  /** A database's Resource, then its topics' APIs. */
  private async deferredEntities(
    service: ServiceSummary,
  ): Promise<DeferredEntity[]> {
    const location = await this.deps.client.serviceUrl(service.id);
    return [
      serviceEntity(service, location),
      ...cdcTopicsOf(service).map(topic =>
        cdcTopicEntity(service, topic, location),
      ),
    ].map(entity => ({ entity, locationKey: this.getProviderName() }));
  }

  private requireConnection(): EntityProviderConnection {
    if (!this.connection) {
      throw new Error(`${this.getProviderName()} is not connected yet`);
    }
    return this.connection;
  }
}
