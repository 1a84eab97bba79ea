import { mockServices } from '@backstage/backend-test-utils';
import { CustomObjectsApi, Watch } from '@kubernetes/client-node';
import {
  SERVICE_CLAIM_API,
  claimManifest,
  specFromSku,
  type ServiceClaimStatus,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  ScriptedApiServer,
  applyManifests,
  answerClosedWatch,
  answerList,
  answerStatus,
  answerWatch,
  describeWithServices,
  installCrds,
  kubeConfigFrom,
  loadCrds,
  startTcpProxy,
} from '@internal/test-services';
import { CLAIM_API, kubernetesConfig } from '../__testUtils__/kubernetesConfig';
import { ClaimWatcher, type ClaimEvent } from './ClaimWatcher';
import { clustersFromConfig, kubeConfigFor } from './clustersFromConfig';

jest.setTimeout(60_000);

/** Collects a watcher's events and lets a test wait for one. */
class Events {
  readonly all: ClaimEvent[] = [];
  constructor(private readonly keep: (e: ClaimEvent) => boolean = () => true) {}
  onClaim = (event: ClaimEvent) => {
    if (this.keep(event)) this.all.push(event);
  };
  async next(
    what: string,
    match: (e: ClaimEvent) => boolean,
    from = 0,
  ): Promise<ClaimEvent> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = this.all.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `No ${what}; got ${JSON.stringify(
            this.all.map(e => [e.type, e.name, e.status?.phase]),
          )}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
  }
}

function report(label: string, values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  // eslint-disable-next-line no-console
  console.info(
    `${label}: n=${sorted.length} median=${at(0.5)} ms p95=${at(0.95)} ms max=${
      sorted[sorted.length - 1]
    } ms`,
  );
}

describeWithServices(['kube'], 'ClaimWatcher on a kube-apiserver', env => {
  const kc = kubeConfigFrom(env);
  const objects = kc.makeApiClient(CustomObjectsApi);
  const logger = mockServices.logger.mock();
  const tenant = `watch-${Date.now().toString(36)}`;
  const namespace = `tenant-${tenant}`;
  // Claims as the portal commits them: pg-shared databases in Lagos.
  const committedClaim = (name: string) =>
    claimManifest({
      id: `svc-${name}`,
      tenant: `group:default/${tenant}`,
      name,
      spec: specFromSku(skuCatalog, 'pg-shared', 'lagos'),
    });

  // The cluster as an operator would configure it for Backstage's Kubernetes plugin.
  const clusterConfig = (url: string) =>
    mockServices.rootConfig({
      data: kubernetesConfig({
        kc,
        token: env.DBAAS_KUBE_TOKEN,
        name: 'pop-lagos',
        url,
      }),
    });
  const watcherFor = (url: string, events: Events) => {
    const { clusters } = clustersFromConfig(clusterConfig(url));
    return new ClaimWatcher({
      clusters: clusters.map(c => ({
        name: c.name,
        kubeConfig: kubeConfigFor(c),
      })),
      logger,
      onClaim: events.onClaim,
      backoff: { initialMs: 100, maxMs: 1_000 },
    });
  };
  const patchStatus = (name: string, status: ServiceClaimStatus) =>
    objects.patchNamespacedCustomObjectStatus({
      ...CLAIM_API,
      namespace,
      name,
      body: [{ op: 'add', path: '/status', value: status }],
    });

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
  });

  it('reports synced claims, their status through to Active, and their deletion', async () => {
    const events = new Events(e => e.namespace === namespace);
    const watcher = watcherFor(env.DBAAS_KUBE_API_URL, events);
    watcher.start();
    try {
      // What Argo CD does with the commit: server-side applies the claims
      // (and the tenant's namespace, which the platform folder holds).
      await applyManifests(kc, [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        committedClaim('orders'),
        committedClaim('ledger'),
      ]);
      for (const serviceId of ['svc-orders', 'svc-ledger']) {
        expect(
          await events.next(
            `ADDED ${serviceId}`,
            e => e.serviceId === serviceId,
          ),
        ).toMatchObject({
          cluster: 'pop-lagos',
          type: 'ADDED',
          serviceId,
          generation: 1,
          status: undefined,
        });
      }

      let before = Date.now();
      await patchStatus('orders', {
        phase: 'Provisioning',
        observedGeneration: 1,
      });
      const provisioning = await events.next(
        'Provisioning',
        e => e.status?.phase === 'Provisioning',
      );
      expect(provisioning).toMatchObject({
        type: 'MODIFIED',
        serviceId: 'svc-orders',
        generation: 1,
      });
      const latencies = [provisioning.observedAt.getTime() - before];

      const active: ServiceClaimStatus = {
        phase: 'Active',
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'Provisioned',
            observedGeneration: 1,
          },
        ],
        connection: {
          host: 'orders.tenant.svc',
          port: 5432,
          database: 'orders',
          username: 'app',
          passwordSecretRef: { name: 'orders-app', key: 'password' },
        },
      };
      before = Date.now();
      await patchStatus('orders', active);
      const activeEvent = await events.next(
        'Active',
        e => e.status?.phase === 'Active',
      );
      expect(activeEvent).toMatchObject({
        type: 'MODIFIED',
        serviceId: 'svc-orders',
        status: active,
      });
      latencies.push(activeEvent.observedAt.getTime() - before);

      // More round trips, to say how long a status change takes to reach the portal.
      for (let i = 0; i < 20; i++) {
        const from = events.all.length;
        before = Date.now();
        await patchStatus('orders', {
          ...active,
          endpoints: [{ name: 'n', url: `u${i}` }],
        });
        const seen = await events.next(
          `endpoint u${i}`,
          e => e.status?.endpoints?.[0]?.url === `u${i}`,
          from,
        );
        latencies.push(seen.observedAt.getTime() - before);
      }
      report('status patch → onClaim', latencies);

      // Argo CD prunes the claim whose file the decommission removed.
      await objects.deleteNamespacedCustomObject({
        ...CLAIM_API,
        namespace,
        name: 'ledger',
      });
      expect(
        await events.next('DELETED ledger', e => e.type === 'DELETED'),
      ).toMatchObject({ serviceId: 'svc-ledger', name: 'ledger' });
    } finally {
      await watcher.stop();
    }

    // Stopped means stopped: nothing arrives any more.
    const count = events.all.length;
    await patchStatus('orders', { phase: 'Failed', observedGeneration: 1 });
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(events.all).toHaveLength(count);
  });

  it('resumes where it was when the connection drops, without losing events', async () => {
    // A TCP proxy in front of the apiserver whose connections the test cuts.
    const proxy = await startTcpProxy(env.DBAAS_KUBE_API_URL);

    const lists = jest.spyOn(
      CustomObjectsApi.prototype,
      'listCustomObjectForAllNamespaces',
    );
    const watches = jest.spyOn(Watch.prototype, 'watch');
    const events = new Events(e => e.namespace === namespace);
    const watcher = watcherFor(proxy.url, events);
    watcher.start();
    try {
      await events.next('orders listed', e => e.name === 'orders');
      // A change seen proves the watch is open, so the cut below hits it.
      await patchStatus('orders', { phase: 'Active', observedGeneration: 1 });
      await events.next('a live watch', e => e.status?.phase === 'Active');
      const listed = events.all.length;

      const cutAt = Date.now();
      proxy.cutConnections();
      // Changed while no watch is open: the resumed watch must still bring it.
      await patchStatus('orders', { phase: 'Active', observedGeneration: 2 });
      const resumed = await events.next(
        'status after the cut',
        e => e.status?.observedGeneration === 2,
        listed,
      );
      // eslint-disable-next-line no-console
      console.info(
        `connection cut → change delivered: ${
          resumed.observedAt.getTime() - cutAt
        } ms`,
      );
      // Resumed from its resourceVersion: a second watch, no second list.
      expect(events.all.slice(listed)).toEqual([resumed]);
      expect(lists).toHaveBeenCalledTimes(1);
      expect(watches.mock.calls.length).toBeGreaterThanOrEqual(2);
      const resumedFrom = watches.mock.calls[1][1].resourceVersion;
      expect(Number(resumedFrom)).toBeGreaterThan(
        Number(watches.mock.calls[0][1].resourceVersion),
      );
    } finally {
      await watcher.stop();
      lists.mockRestore();
      watches.mockRestore();
      await proxy.close();
    }
  });
});

const served = {
  apiVersion: `${CLAIM_API.group}/${CLAIM_API.version}`,
  kind: SERVICE_CLAIM_API.kind,
  plural: CLAIM_API.plural,
};

const claim = (name: string, rv: string, status?: unknown) => ({
  apiVersion: `${CLAIM_API.group}/${CLAIM_API.version}`,
  kind: SERVICE_CLAIM_API.kind,
  metadata: {
    name,
    namespace: 'tenant-payments',
    resourceVersion: rv,
    generation: 1,
    labels: { 'dbaas.io/service-id': `svc-${name}` },
  },
  spec: {},
  ...(status ? { status } : {}),
});
describe('ClaimWatcher supervision', () => {
  const watcherOn = (
    url: string,
    events: Events,
    logger = mockServices.logger.mock(),
  ) =>
    new ClaimWatcher({
      clusters: [
        {
          name: 'scripted',
          kubeConfig: kubeConfigFor({
            name: 'scripted',
            url,
            token: 't',
            skipTLSVerify: true,
          }),
        },
      ],
      logger,
      onClaim: events.onClaim,
      backoff: { initialMs: 100, maxMs: 400 },
    });

  it('relists after 410 Gone, reports what vanished meanwhile, and keeps going', async () => {
    const server = new ScriptedApiServer(
      served,
      [
        answerList('10', [claim('a', '9', { phase: 'Pending' })]),
        // The status an operator of another version might write.
        answerList('20', [claim('b', '19', { phase: 'Exploded' })]),
      ],
      [
        answerWatch({
          type: 'ERROR',
          object: {
            kind: 'Status',
            code: 410,
            reason: 'Expired',
            message: 'too old resource version: 10 (15)',
          },
        }),
        answerWatch({
          type: 'MODIFIED',
          object: claim('b', '21', { phase: 'Active' }),
        }),
      ],
    );
    const url = await server.start();
    const events = new Events();
    const logger = mockServices.logger.mock();
    const watcher = watcherOn(url, events, logger);
    watcher.start();
    try {
      await events.next('b Active', e => e.status?.phase === 'Active');
      expect(
        events.all.map(e => [e.type, e.serviceId, e.status?.phase]),
      ).toEqual([
        ['ADDED', 'svc-a', 'Pending'],
        ['ADDED', 'svc-b', undefined],
        ['DELETED', 'svc-a', undefined],
        ['MODIFIED', 'svc-b', 'Active'],
      ]);
      expect(server.requests.map(r => [r.kind, r.rv])).toEqual([
        ['list', undefined],
        ['watch', '10'],
        ['list', undefined],
        ['watch', '20'],
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /tenant-payments\/b .* does not understand .*phase/,
        ),
      );
      // eslint-disable-next-line no-console
      console.info(
        `410 Gone → relist: ${server.times[2] - server.times[1]} ms`,
      );
    } finally {
      await watcher.stop();
    }
    // stop() closed the open watch (the server hears of it a moment later).
    for (let i = 0; i < 100 && server.openWatches.size > 0; i++) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    expect(server.openWatches.size).toBe(0);
    await server.close();
  });

  it('retries failures with growing, jittered delays and resumes from its resourceVersion', async () => {
    const server = new ScriptedApiServer(
      served,
      [
        answerStatus(500),
        answerStatus(503),
        answerList('5', []),
        answerList('6', []),
      ],
      [
        answerClosedWatch,
        answerStatus(410), // the other way an apiserver says Gone
        answerWatch({ type: 'ADDED', object: claim('c', '7') }),
      ],
    );
    const url = await server.start();
    const events = new Events();
    const watcher = watcherOn(url, events);
    watcher.start();
    try {
      await events.next('c', e => e.serviceId === 'svc-c');
      expect(server.requests.map(r => [r.kind, r.rv])).toEqual([
        ['list', undefined],
        ['list', undefined],
        ['list', undefined],
        ['watch', '5'],
        ['watch', '5'],
        ['list', undefined],
        ['watch', '6'],
      ]);
      const gaps = server.times.slice(1).map((at, i) => at - server.times[i]);
      // eslint-disable-next-line no-console
      console.info(`retry gaps: ${gaps.join(', ')} ms`);
      // Failure n waits between half and all of min(100 ms × 2^(n-1), 400 ms).
      expect(gaps[0]).toBeGreaterThanOrEqual(50 - 5); // after the 500
      expect(gaps[1]).toBeGreaterThanOrEqual(100 - 5); // after the 503
      expect(gaps[3]).toBeGreaterThanOrEqual(200 - 5); // after the empty watch
      expect(gaps[4]).toBeGreaterThanOrEqual(200 - 5); // after 410, capped at 400
      expect(Math.max(...gaps)).toBeLessThan(400 + 300);
    } finally {
      await watcher.stop();
    }
    await server.close();
  });

  it('stops at once while waiting to retry, leaving no timer behind', async () => {
    const server = new ScriptedApiServer(served, [], []);
    const url = await server.start();
    const watcher = new ClaimWatcher({
      clusters: [
        {
          name: 'down',
          kubeConfig: kubeConfigFor({
            name: 'down',
            url,
            token: 't',
            skipTLSVerify: true,
          }),
        },
      ],
      logger: mockServices.logger.mock(),
      onClaim: () => {},
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    watcher.start();
    while (server.requests.length === 0) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    const before = Date.now();
    await watcher.stop();
    expect(Date.now() - before).toBeLessThan(200);
    await server.close();
  });

  it('watches a cluster at its new address once it moves, and stops watching the old one', async () => {
    const before = new ScriptedApiServer(served, [answerList('1', [])], []);
    const after = new ScriptedApiServer(
      served,
      [answerList('9', [claim('moved', '9')])],
      [],
    );
    const at = (url: string) => [
      {
        name: 'lagos',
        kubeConfig: kubeConfigFor({
          name: 'lagos',
          url,
          token: 't',
          skipTLSVerify: true,
        }),
      },
    ];
    const oldUrl = await before.start();
    const newUrl = await after.start();
    const events = new Events();
    const watcher = new ClaimWatcher({
      clusters: [],
      logger: mockServices.logger.mock(),
      onClaim: events.onClaim,
    });
    try {
      await watcher.watch(at(oldUrl));
      while (before.requests.length === 0) {
        await new Promise(resolve => setTimeout(resolve, 5));
      }
      // The same address again changes nothing.
      await watcher.watch(at(oldUrl));
      expect(after.requests).toEqual([]);

      await watcher.watch(at(newUrl));
      const moved = await events.next(
        'the moved cluster’s claim',
        e => e.serviceId === 'svc-moved',
      );
      expect(moved.cluster).toBe('lagos');
      expect(watcher.clusterNames).toEqual(['lagos']);
      const oldRequests = before.requests.length;
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(before.requests.length).toBe(oldRequests);
    } finally {
      await watcher.stop();
    }
    await before.close();
    await after.close();
  });
});
