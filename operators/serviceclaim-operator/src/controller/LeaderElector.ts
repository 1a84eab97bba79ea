import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import {
  abortable,
  describeError,
  isConflict,
  isNotFound,
  makeApiClient,
  sleep,
} from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';

/** Options of {@link LeaderElector}; the timing options mean what they mean in client-go. */
export type LeaderElectorOptions = {
  kubeConfig: KubeConfig;
  /** Namespace and name of the coordination.k8s.io/v1 Lease. */
  namespace: string;
  name: string;
  /** This candidate's name in the Lease (the pod's name). */
  identity: string;
  logger: Logger;
  /**
   * How long others wait, after they last saw the Lease change, before taking
   * it over from a leader that stopped renewing. Default 15.
   */
  leaseDurationSeconds?: number;
  /** How long the leader keeps failing to renew before it gives up leading. Default 10. */
  renewDeadlineSeconds?: number;
  /** Time between attempts to acquire or renew. Default 2. */
  retryPeriodSeconds?: number;
  /**
   * Called on becoming leader. `signal` aborts when leadership ends; work must
   * stop then (another replica may lead a lease duration later).
   */
  onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /**
   * Called, and awaited, when leadership ends: `lost` when renewing failed (so
   * another replica may lead once the Lease expires), not when stopped.
   */
  onStoppedLeading?: (reason: { lost: boolean }) => void | Promise<void>;
  /** Called when the Lease names a new holder (this candidate included). */
  onNewLeader?: (identity: string) => void;
};

type LeaseSpec = {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
};

type Lease = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: LeaseSpec;
};

const LEASE_API = {
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
};
// client-go waits retryPeriod × (1 + up to 1.2) between acquire attempts.
const JITTER_FACTOR = 1.2;

/** A Lease's MicroTime: RFC 3339 with six fractional digits. */
function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection package does it, so that only one replica reconciles:
 *
 * - a candidate takes a Lease that is free (no holder, as a released Lease is)
 *   at once, and one whose record has not changed for leaseDuration as measured
 *   on its own clock (clocks across nodes are not compared);
 * - the leader renews every retryPeriod, and stops leading when it has not
 *   managed to for renewDeadline (< leaseDuration, so it stops before anyone
 *   may take over);
 * - every write carries the resourceVersion it read, so two candidates never
 *   both win.
 *
 * Unlike client-go, which exits the process on lost leadership, a candidate that
 * loses leadership goes back to campaigning: the caller's onStoppedLeading has
 * stopped its work by then.
 */
export class LeaderElector {
  private readonly api: CustomObjectsApi;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly logger: Logger;
  private stopping?: AbortController;
  private running?: Promise<void>;
  private leading = false;
  private releaseOnStop = true;
  // The last Lease record seen and when (on this clock) it was first seen.
  private observed?: { record: string; at: number };
  private lastHolder?: string;

  constructor(private readonly options: LeaderElectorOptions) {
    this.api = makeApiClient(options.kubeConfig, CustomObjectsApi);
    this.leaseDurationMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.renewDeadlineMs = (options.renewDeadlineSeconds ?? 10) * 1000;
    this.retryPeriodMs = (options.retryPeriodSeconds ?? 2) * 1000;
    if (this.leaseDurationMs <= this.renewDeadlineMs) {
      throw new Error(
        'leaseDurationSeconds must be greater than renewDeadlineSeconds',
      );
    }
    if (this.renewDeadlineMs <= JITTER_FACTOR * this.retryPeriodMs) {
      throw new Error(
        'renewDeadlineSeconds must be greater than retryPeriodSeconds × 1.2',
      );
    }
    this.logger = options.logger.child({
      lease: `${options.namespace}/${options.name}`,
      identity: options.identity,
    });
  }

  /** Whether this candidate holds the Lease now. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background until {@link LeaderElector.stop}. */
  start(): void {
    if (this.stopping) return;
    this.stopping = new AbortController();
    this.running = this.campaign(this.stopping.signal);
  }

  /**
   * Stops campaigning or leading. A leader ends its work (onStoppedLeading is
   * awaited) and then, unless `release` is false, frees the Lease so another
   * replica takes over within a retry period instead of a lease duration.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.releaseOnStop = options.release ?? true;
    this.stopping?.abort();
    await this.running;
    this.stopping = undefined;
    this.running = undefined;
  }

  private async campaign(stop: AbortSignal): Promise<void> {
    while (!stop.aborted) {
      const acquired = await this.acquire(stop);
      if (!acquired) break;
      const leadership = new AbortController();
      this.leading = true;
      this.logger.info('became leader');
      // The work runs beside the renew loop; only its start is awaited here.
      const work = Promise.resolve()
        .then(() => this.options.onStartedLeading(leadership.signal))
        .catch(error =>
          this.logger.error('onStartedLeading failed', {
            error: describeError(error),
          }),
        );
      await this.renew(stop);
      this.leading = false;
      leadership.abort();
      await work;
      await Promise.resolve(
        this.options.onStoppedLeading?.({ lost: !stop.aborted }),
      ).catch(error =>
        this.logger.error('onStoppedLeading failed', {
          error: describeError(error),
        }),
      );
      if (stop.aborted) {
        if (this.releaseOnStop) await this.release();
        this.logger.info('stopped leading');
      } else {
        this.logger.warn('lost leadership; campaigning again');
      }
    }
  }

  /** Tries every retry period (with jitter) until it holds the Lease; false if stopped. */
  private async acquire(stop: AbortSignal): Promise<boolean> {
    while (!stop.aborted) {
      if (await this.tryAcquireOrRenew(stop)) return true;
      const jittered = this.retryPeriodMs * (1 + Math.random() * JITTER_FACTOR);
      await sleep(jittered, stop);
    }
    return false;
  }

  /** Renews every retry period until stopped or renewDeadline passes without success. */
  private async renew(stop: AbortSignal): Promise<void> {
    let lastRenew = Date.now();
    while (!stop.aborted) {
      await sleep(this.retryPeriodMs, stop);
      if (stop.aborted) return;
      // Each attempt may take no longer than what is left of the deadline.
      const left = lastRenew + this.renewDeadlineMs - Date.now();
      const attempt = AbortSignal.any([
        stop,
        AbortSignal.timeout(Math.max(left, 1)),
      ]);
      if (await this.tryAcquireOrRenew(attempt)) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew >= this.renewDeadlineMs) {
        this.logger.warn('could not renew the Lease within renewDeadline', {
          renewDeadlineSeconds: this.renewDeadlineMs / 1000,
        });
        return;
      }
    }
  }

  /** One read-then-write of the Lease; true when this candidate holds it afterwards. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = new Date();
    const { namespace, name, identity } = this.options;
    const mine: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: this.leaseDurationMs / 1000,
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    try {
      let lease: Lease;
      try {
        lease = (await this.api.getNamespacedCustomObject(
          { ...LEASE_API, namespace, name },
          abortable(signal),
        )) as Lease;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.api.createNamespacedCustomObject(
          {
            ...LEASE_API,
            namespace,
            body: {
              apiVersion: 'coordination.k8s.io/v1',
              kind: 'Lease',
              metadata: { name, namespace },
              spec: mine,
            },
          },
          abortable(signal),
        );
        this.observe(mine, Date.now());
        return true;
      }

      const spec = lease.spec ?? {};
      this.observe(spec, Date.now());
      const holder = spec.holderIdentity ?? '';
      if (holder && holder !== identity) {
        // Measured from when this candidate first saw the record, not from its
        // renewTime: the leader's clock may differ from ours. The duration is
        // the holder's, as it wrote it.
        const duration =
          (spec.leaseDurationSeconds ?? this.leaseDurationMs / 1000) * 1000;
        const expiresAt = this.observed!.at + duration;
        if (Date.now() < expiresAt) return false;
        this.logger.info('taking over an expired Lease', { from: holder });
      }
      const renewing = holder === identity;
      const next: LeaseSpec = {
        ...mine,
        acquireTime: renewing
          ? spec.acquireTime ?? mine.acquireTime
          : mine.acquireTime,
        leaseTransitions: renewing
          ? spec.leaseTransitions ?? 0
          : (spec.leaseTransitions ?? 0) + 1,
      };
      await this.api.replaceNamespacedCustomObject(
        {
          ...LEASE_API,
          namespace,
          name,
          body: { ...lease, spec: next },
        },
        abortable(signal),
      );
      this.observe(next, Date.now());
      return true;
    } catch (error) {
      // A conflict is another candidate writing first: no error, just not us.
      if (!isConflict(error)) {
        this.logger.warn('Lease request failed', {
          error: describeError(error),
        });
      }
      return false;
    }
  }

  private observe(spec: LeaseSpec, at: number): void {
    const record = JSON.stringify([
      spec.holderIdentity ?? '',
      spec.renewTime,
      spec.acquireTime,
      spec.leaseTransitions,
      spec.leaseDurationSeconds,
    ]);
    if (this.observed?.record !== record) this.observed = { record, at };
    const holder = spec.holderIdentity ?? '';
    if (holder && holder !== this.lastHolder) {
      this.lastHolder = holder;
      this.options.onNewLeader?.(holder);
    }
  }

  /**
   * Frees the Lease, as client-go's ReleaseOnCancel does: no holder, and a
   * one-second duration, so candidates take it on their next attempt.
   */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    try {
      const lease = (await this.api.getNamespacedCustomObject(
        { ...LEASE_API, namespace, name },
        abortable(AbortSignal.timeout(this.renewDeadlineMs)),
      )) as Lease;
      if (lease.spec?.holderIdentity !== identity) return;
      const now = microTime(new Date());
      await this.api.replaceNamespacedCustomObject(
        {
          ...LEASE_API,
          namespace,
          name,
          body: {
            ...lease,
            spec: {
              leaseTransitions: lease.spec.leaseTransitions ?? 0,
              leaseDurationSeconds: 1,
              renewTime: now,
              acquireTime: now,
            },
          },
        },
        abortable(AbortSignal.timeout(this.renewDeadlineMs)),
      );
      this.logger.info('released the Lease');
    } catch (error) {
      // The Lease then expires on its own after leaseDuration.
      this.logger.warn('could not release the Lease', {
        error: describeError(error),
      });
    }
  }
}
