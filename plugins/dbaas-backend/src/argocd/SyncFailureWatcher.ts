import type { LoggerService } from '@backstage/backend-plugin-api';
import { DBAAS_LABELS } from '@internal/backstage-plugin-dbaas-common';
import {
  Informer,
  describeError,
  objectKey,
  type InformerEvent,
} from '@internal/backstage-plugin-dbaas-node';
import { ARGOCD_API_VERSION, type ArgoCdClient } from './ArgoCdClient';
import {
  syncFailuresOf,
  type ArgoApplication,
  type SyncFailure,
} from './syncFailures';

/**
 * Watches the tenants' Argo CD Applications (labelled `dbaas.io/tenant`, in
 * Argo CD's namespace) and hands on what each says it could not sync
 * (syncFailuresOf), one Application at a time and only when that changed:
 * an Application's status changes at every reconciliation.
 */
export class SyncFailureWatcher {
  private readonly informer: Informer<ArgoApplication>;
  /** What was last handed on per Application, so it is not again. */
  private readonly handed = new Map<string, string>();
  private delivering: Promise<void> = Promise.resolve();
  /** Applications that show a failure, asked to refresh until they do not. */
  private readonly nudging = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly options: {
      client: ArgoCdClient;
      logger: LoggerService;
      /** Records the failures; a throw is logged, and the next change of the Application tries again. */
      onFailures: (failures: SyncFailure[]) => Promise<void>;
      backoff?: { initialMs?: number; maxMs?: number };
      /**
       * How often an Application that shows a failure is asked to refresh
       * (default 30 s). Argo CD retries a failed sync by itself, but looks again
       * at a comparison that failed (a repository it could not fetch) only at
       * its next reconciliation, 2 to 3 minutes later: this ends an outage's
       * wait within this period of the repository coming back.
       */
      nudgeMs?: number;
    },
  ) {
    const { client, logger } = options;
    this.informer = new Informer<ArgoApplication>({
      kubeConfig: client.kubeConfig,
      objects: client.objects,
      apiVersion: ARGOCD_API_VERSION,
      kind: 'Application',
      namespace: client.namespace,
      labelSelector: DBAAS_LABELS.tenant,
      logger: logger.child({ argocd: client.namespace }),
      backoff: options.backoff,
      onEvent: event => this.report(event),
    });
  }

  start(): void {
    this.informer.start();
  }

  /** Stops watching, once the failures already seen are handed on. */
  async stop(): Promise<void> {
    for (const timer of this.nudging.values()) clearInterval(timer);
    this.nudging.clear();
    await this.informer.stop();
    await this.delivering;
  }

  /** Starts asking the Application `name` to refresh, or stops (undefined). */
  private nudge(key: string, name: string | undefined): void {
    const timer = this.nudging.get(key);
    if (!name) {
      if (timer) clearInterval(timer);
      this.nudging.delete(key);
      return;
    }
    if (timer) return;
    const { client, logger } = this.options;
    const every = setInterval(() => {
      client
        .refreshApplication(name)
        .catch(error =>
          logger.warn(
            `Could not ask Argo CD to refresh Application ${name}: ${describeError(
              error,
            )}`,
          ),
        );
    }, this.options.nudgeMs ?? 30_000);
    every.unref();
    this.nudging.set(key, every);
  }

  private report({ type, object }: InformerEvent<ArgoApplication>): void {
    const key = objectKey(object);
    if (type === 'DELETED') {
      this.handed.delete(key);
      this.nudge(key, undefined);
      return;
    }
    const failures = syncFailuresOf(object);
    this.nudge(key, failures.length > 0 ? object.metadata?.name : undefined);
    const seen = JSON.stringify(failures);
    if (this.handed.get(key) === seen) return;
    this.handed.set(key, seen);
    if (failures.length === 0) return;
    this.delivering = this.delivering.then(async () => {
      try {
        await this.options.onFailures(failures);
      } catch (error) {
        this.handed.delete(key);
        this.options.logger.error(
          `Could not record the sync errors of Argo CD Application ${key}: ${describeError(
            error,
          )}`,
        );
      }
    });
  }
}
