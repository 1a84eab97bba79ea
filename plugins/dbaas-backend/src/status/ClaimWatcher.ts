import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  formatZodError,
  serviceClaimStatusSchema,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import {
  Informer,
  ObjectApi,
  describeError,
  objectKey,
  type InformerEvent,
} from '@internal/backstage-plugin-dbaas-node';

import type { ClaimEvent } from '../database/ServiceStore';

export type { ClaimEvent };

/** A cluster to watch. */
export type WatchedCluster = { name: string; kubeConfig: KubeConfig };

/** Where a cluster is: what makes a watch of it another one. */
function addressOf(cluster: WatchedCluster): string {
  const current = cluster.kubeConfig.getCurrentCluster();
  return JSON.stringify([
    current?.server,
    current?.caData,
    current?.caFile,
    current?.skipTLSVerify,
  ]);
}

/** Options of {@link ClaimWatcher}. */
export type ClaimWatcherOptions = {
  clusters: WatchedCluster[];
  logger: LoggerService;
  /**
   * Called once per event, in the order the clusters sent them (one call at a
   * time). A throw is logged and the event is not redelivered.
   */
  onClaim: (event: ClaimEvent) => void | Promise<void>;
  /** Restart delays after failures; defaults 500 ms doubling up to 30 s. */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * How long the apiserver keeps one watch open before ending it cleanly (it is
   * then resumed from the last resourceVersion); default 300 s. A watch still
   * open 30 s after that is taken for a dead connection and restarted.
   */
  watchTimeoutSeconds?: number;
};

type ClaimObject = {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    generation?: number;
    resourceVersion?: string;
  };
  status?: unknown;
};

/**
 * Watches the ServiceClaims (those labelled with a service id, in every
 * namespace) of each configured cluster and reports what happens to them: an
 * {@link Informer} per cluster lists, then watches from the list's
 * resourceVersion, for as long as it runs, and supervises itself (backoff with
 * jitter, resume after a dropped watch, relist on 410 Gone).
 *
 * Each list reports every claim again (ADDED when new to the watcher, else
 * MODIFIED) and DELETED for claims that vanished while the watch was down, so a
 * consumer that applies events idempotently is always caught up after a list.
 */
export class ClaimWatcher {
  private readonly logger: LoggerService;
  private readonly informers = new Map<
    string,
    { informer: Informer<ClaimObject>; address: string }
  >();
  private delivering: Promise<void> = Promise.resolve();

  constructor(private readonly options: ClaimWatcherOptions) {
    this.logger = options.logger;
  }

  /** Starts watching every cluster in the background until {@link ClaimWatcher.stop}. */
  start(): void {
    if (this.informers.size > 0) return;
    void this.watch(this.options.clusters);
  }

  /**
   * Watches exactly these clusters from now on, by name: starts an informer
   * for each new one, stops those of the clusters no longer given, and
   * restarts the one of a cluster whose address (server, CA, TLS check) has
   * changed, as when a PoP's cluster moves. Resolves once the stopped ones
   * have stopped.
   */
  async watch(clusters: WatchedCluster[]): Promise<void> {
    const wanted = new Map(
      clusters.map(cluster => [cluster.name, addressOf(cluster)]),
    );
    const stopping: Promise<void>[] = [];
    for (const [name, watched] of this.informers) {
      if (wanted.get(name) !== watched.address) {
        this.informers.delete(name);
        stopping.push(watched.informer.stop());
      }
    }
    for (const cluster of clusters) {
      if (!this.informers.has(cluster.name)) {
        const informer = this.informerFor(cluster);
        this.informers.set(cluster.name, {
          informer,
          address: addressOf(cluster),
        });
        informer.start();
      }
    }
    await Promise.all(stopping);
  }

  /** The names of the clusters being watched. */
  get clusterNames(): string[] {
    return [...this.informers.keys()];
  }

  /**
   * Ends every list, watch and pending retry, and resolves once they have
   * stopped and the events already received are delivered.
   */
  async stop(): Promise<void> {
    const watched = [...this.informers.values()];
    this.informers.clear();
    await Promise.all(watched.map(({ informer }) => informer.stop()));
    await this.delivering;
  }

  private informerFor(cluster: WatchedCluster): Informer<ClaimObject> {
    return new Informer<ClaimObject>({
      kubeConfig: cluster.kubeConfig,
      objects: ObjectApi.fromKubeConfig(cluster.kubeConfig),
      apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
      kind: SERVICE_CLAIM_API.kind,
      labelSelector: DBAAS_LABELS.serviceId,
      logger: this.logger.child({ cluster: cluster.name }),
      reportUnchangedOnRelist: true,
      backoff: this.options.backoff,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds,
      onEvent: event => this.report(cluster, event),
    });
  }

  private report(
    cluster: WatchedCluster,
    { type, object, finalStateUnknown }: InformerEvent<ClaimObject>,
  ): void {
    const serviceId = object.metadata?.labels?.[DBAAS_LABELS.serviceId];
    if (!serviceId) {
      // The selector only asks for the label; an empty value names no database.
      return;
    }
    const claim = {
      cluster: cluster.name,
      type,
      serviceId,
      namespace: object.metadata?.namespace ?? '',
      name: object.metadata?.name ?? '',
    };
    if (finalStateUnknown) {
      // Deleted while no watch was open: what it was last is not news.
      this.deliver({ ...claim, observedAt: new Date() });
      return;
    }
    this.deliver({
      ...claim,
      generation: object.metadata?.generation,
      ...portalGenerationOf(object),
      status: this.parseStatus(cluster, objectKey(object), object.status),
      observedAt: new Date(),
    });
  }

  private parseStatus(
    cluster: WatchedCluster,
    key: string,
    status: unknown,
  ): ServiceClaimStatus | undefined {
    if (status === undefined || status === null) return undefined;
    const parsed = serviceClaimStatusSchema.safeParse(status);
    if (parsed.success) return parsed.data;
    // An operator newer or older than the portal; the claim itself still counts.
    this.logger.warn(
      `ServiceClaim ${key} on cluster ${
        cluster.name
      } has a status the portal does not understand (${formatZodError(
        parsed.error,
      )}); reporting it without status`,
    );
    return undefined;
  }

  private deliver(event: ClaimEvent): void {
    this.delivering = this.delivering.then(async () => {
      try {
        await this.options.onClaim(event);
      } catch (error) {
        this.logger.error(
          `Handling ${event.type} of ServiceClaim ${event.namespace}/${
            event.name
          } on cluster ${event.cluster} failed: ${describeError(error)}`,
        );
      }
    });
  }
}

function portalGenerationOf(object: ClaimObject): {
  portalGeneration?: number;
} {
  const value = Number(object.metadata?.annotations?.['dbaas.io/generation']);
  return Number.isInteger(value) && value > 0
    ? { portalGeneration: value }
    : {};
}
