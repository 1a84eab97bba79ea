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

  constructor(
    private readonly options: {
      client: ArgoCdClient;
      logger: LoggerService;
      /** Records the failures; a throw is logged, and the next change of the Application tries again. */
      onFailures: (failures: SyncFailure[]) => Promise<void>;
      backoff?: { initialMs?: number; maxMs?: number };
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
    await this.informer.stop();
    await this.delivering;
  }

  private report({ type, object }: InformerEvent<ArgoApplication>): void {
    const key = objectKey(object);
    if (type === 'DELETED') {
      this.handed.delete(key);
      return;
    }
    const failures = syncFailuresOf(object);
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
