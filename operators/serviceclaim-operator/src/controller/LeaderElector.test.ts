import { setTimeout as delay } from 'node:timers/promises';
import { CoreV1Api, CoordinationV1Api } from '@kubernetes/client-node';
import { describeWithServices, kubeConfigFrom } from '@internal/test-services';
import { silentLogger } from '../logger';
import { LeaderElector } from './LeaderElector';

jest.setTimeout(60_000);

async function until(what: string, check: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(10);
  }
}

describeWithServices(['kube'], 'LeaderElector on a kube-apiserver', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const leases = kc.makeApiClient(CoordinationV1Api);
  const namespace = `leader-${Date.now().toString(36)}`;
  // Short timings so the suite runs in seconds; the semantics are the defaults'.
  const timing = {
    leaseDurationSeconds: 3,
    renewDeadlineSeconds: 2,
    retryPeriodSeconds: 0.25,
  };

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  /** An elector that records when it led, and whether its work saw the end. */
  function candidate(name: string, identity: string) {
    const record = {
      startedAt: [] as number[],
      stoppedAt: [] as number[],
      workAborted: false,
    };
    const elector = new LeaderElector({
      kubeConfig: kc,
      namespace,
      name,
      identity,
      logger: silentLogger,
      ...timing,
      onStartedLeading: signal => {
        record.startedAt.push(Date.now());
        signal.addEventListener('abort', () => {
          record.workAborted = true;
        });
      },
      onStoppedLeading: () => {
        record.stoppedAt.push(Date.now());
      },
    });
    return { elector, record };
  }

  it('lets one of two candidates lead, and the other take over at once when it releases', async () => {
    const a = candidate('release', 'pod-a');
    const b = candidate('release', 'pod-b');
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    b.elector.start();
    // b keeps trying for longer than a lease duration: a renews, so b never leads.
    await delay(timing.leaseDurationSeconds * 1000 + 500);
    expect(a.elector.isLeader).toBe(true);
    expect(b.elector.isLeader).toBe(false);
    expect(b.record.startedAt).toHaveLength(0);

    const stoppedAt = Date.now();
    await a.elector.stop();
    expect(a.record.workAborted).toBe(true);
    expect(a.record.stoppedAt).toHaveLength(1);
    const lease = await leases.readNamespacedLease({
      name: 'release',
      namespace,
    });
    await until('b leads', () => b.elector.isLeader);
    const takeover = b.record.startedAt[0] - stoppedAt;
    // eslint-disable-next-line no-console
    console.info(`takeover after release: ${takeover} ms`);
    // Released: b takes it on its next attempt, long before the lease would
    // expire. Read right after the release, the lease is empty, or b's already
    // when b's attempt came first (a loaded machine); never a's.
    expect(['', 'pod-b']).toContain(lease.spec?.holderIdentity ?? '');
    expect(takeover).toBeLessThan(timing.leaseDurationSeconds * 1000);

    const held = await leases.readNamespacedLease({
      name: 'release',
      namespace,
    });
    expect(held.spec?.holderIdentity).toBe('pod-b');
    expect(held.spec?.leaseTransitions).toBe(1);
    await b.elector.stop();
  });

  it('takes over from a leader that died without releasing, once the lease expires', async () => {
    const a = candidate('crash', 'pod-a');
    const b = candidate('crash', 'pod-b');
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    b.elector.start();
    await delay(500);
    expect(b.elector.isLeader).toBe(false);

    // A crash: renewing stops and the Lease still names a.
    const diedAt = Date.now();
    await a.elector.stop({ release: false });
    const lease = await leases.readNamespacedLease({
      name: 'crash',
      namespace,
    });
    expect(lease.spec?.holderIdentity).toBe('pod-a');
    await until('b leads', () => b.elector.isLeader);
    const takeover = b.record.startedAt[0] - diedAt;
    // eslint-disable-next-line no-console
    console.info(
      `takeover after a crash (lease ${timing.leaseDurationSeconds} s): ${takeover} ms`,
    );
    // Not before the lease ran out from b's point of view, and not much after.
    expect(takeover).toBeGreaterThanOrEqual(
      timing.leaseDurationSeconds * 1000 - 600,
    );
    expect(takeover).toBeLessThan(timing.leaseDurationSeconds * 1000 + 2_000);
    await b.elector.stop();
  });

  it('stops leading when it cannot renew within renewDeadline', async () => {
    const a = candidate('lost', 'pod-a');
    a.elector.start();
    await until('a leads', () => a.elector.isLeader);
    // Another writer takes the Lease (as a partitioned leader would find it).
    const lease = await leases.readNamespacedLease({ name: 'lost', namespace });
    await leases.replaceNamespacedLease({
      name: 'lost',
      namespace,
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: 'intruder' },
      },
    });
    await until('a stops leading', () => !a.elector.isLeader, 10_000);
    expect(a.record.workAborted).toBe(true);
    expect(a.record.stoppedAt).toHaveLength(1);
    await a.elector.stop();
  });
});
