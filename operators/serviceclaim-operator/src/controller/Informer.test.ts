import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import { claimBody } from '../__testUtils__/claimBody';
import { silentLogger } from '../logger';
import { Informer, type InformerEvent } from './Informer';
import { ObjectApi } from './ObjectApi';

jest.setTimeout(60_000);

const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};
const apiVersion = `${claimApi.group}/${claimApi.version}`;

type Claim = {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec?: { version?: string };
};

async function until(what: string, check: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(5);
  }
}

/** A copy of `kc` that talks to `server` instead. */
function pointedAt(kc: KubeConfig, server: string): KubeConfig {
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: [{ ...kc.getCurrentCluster()!, server }],
    users: [kc.getCurrentUser()!],
    contexts: [
      {
        name: 'proxied',
        cluster: kc.getCurrentCluster()!.name,
        user: kc.getCurrentUser()!.name,
      },
    ],
    currentContext: 'proxied',
  });
  return copy;
}

describeWithServices(['kube'], 'Informer on a kube-apiserver', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const run = Date.now().toString(36);
  const namespace = `tenant-informer-${run}`;

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('resumes its watch after the connection is cut, without a relist and without losing a change', async () => {
    await custom.createNamespacedCustomObject({
      ...claimApi,
      namespace,
      body: claimBody(namespace, 'orders', { labels: { 'test-run': run } }),
    });
    // A TCP proxy in front of the apiserver whose connections the test cuts.
    const upstream = new URL(env.DBAAS_KUBE_API_URL);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer(client => {
      const server = net.connect(Number(upstream.port), upstream.hostname);
      sockets.add(client).add(server);
      client.pipe(server).pipe(client);
      const close = () => {
        client.destroy();
        server.destroy();
      };
      client.on('error', close).on('close', close);
      server.on('error', close).on('close', close);
    });
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve));
    const proxied = pointedAt(
      kc,
      `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    );

    const events: InformerEvent<Claim>[] = [];
    const objects = ObjectApi.fromKubeConfig(proxied);
    const lists = jest.spyOn(objects, 'listPage');
    const watches = jest.spyOn(Watch.prototype, 'watch');
    const informer = new Informer<Claim>({
      kubeConfig: proxied,
      objects,
      apiVersion,
      kind: SERVICE_CLAIM_API.kind,
      labelSelector: `test-run=${run}`,
      logger: silentLogger,
      backoff: { initialMs: 50, maxMs: 200 },
      onEvent: event => {
        if (event.object.metadata.namespace === namespace) events.push(event);
      },
    });
    informer.start();
    try {
      expect(await informer.waitForSync()).toBe(true);
      expect(informer.get(`${namespace}/orders`)).toBeDefined();
      // A change seen proves the watch is open, so the cut below hits it.
      const edit = (version: string) =>
        custom.patchNamespacedCustomObject(
          {
            ...claimApi,
            namespace,
            name: 'orders',
            body: { spec: { version } },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      await edit('16.3');
      await until('the watched edit', () =>
        events.some(e => e.object.spec?.version === '16.3'),
      );

      const cutAt = Date.now();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      // Changed while no watch is open: the resumed watch must still bring it.
      await edit('16.4');
      await until('the edit made during the cut', () =>
        events.some(e => e.object.spec?.version === '16.4'),
      );
      // eslint-disable-next-line no-console
      console.info(`watch cut → change seen: ${Date.now() - cutAt} ms`);
      expect(informer.get(`${namespace}/orders`)?.spec?.version).toBe('16.4');
      expect(lists).toHaveBeenCalledTimes(1);
      expect(watches.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(Number(watches.mock.calls[1][1].resourceVersion)).toBeGreaterThan(
        Number(watches.mock.calls[0][1].resourceVersion),
      );
    } finally {
      await informer.stop();
      watches.mockRestore();
      await new Promise(resolve => proxy.close(resolve));
    }
  });
});

/**
 * A stand-in apiserver for what a real one does rarely: expire a
 * resourceVersion (410 Gone) or close a watch at once. Discovery is answered;
 * each list and watch takes the next scripted answer.
 */
class ScriptedApiServer {
  readonly requests: {
    kind: 'list' | 'watch';
    rv?: string;
    continue?: string;
  }[] = [];
  private readonly server: http.Server;

  constructor(
    lists: Array<(res: http.ServerResponse) => void>,
    watches: Array<(res: http.ServerResponse) => void>,
  ) {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url!, 'http://localhost');
      if (url.pathname === `/apis/${apiVersion}`) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            kind: 'APIResourceList',
            groupVersion: apiVersion,
            resources: [
              {
                name: claimApi.plural,
                namespaced: true,
                kind: SERVICE_CLAIM_API.kind,
                verbs: ['list', 'watch'],
              },
            ],
          }),
        );
        return;
      }
      if (url.pathname.startsWith('/apis/nothere')) {
        res.writeHead(404).end();
        return;
      }
      const kind = url.searchParams.get('watch') === 'true' ? 'watch' : 'list';
      this.requests.push({
        kind,
        rv: url.searchParams.get('resourceVersion') ?? undefined,
        continue: url.searchParams.get('continue') ?? undefined,
      });
      const answer = kind === 'watch' ? watches.shift() : lists.shift();
      if (answer) answer(res);
      else res.writeHead(500).end();
    });
  }

  async start(): Promise<string> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }
}

function kubeConfigAt(server: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 's', server, skipTLSVerify: true }],
    users: [{ name: 's', token: 't' }],
    contexts: [{ name: 's', cluster: 's', user: 's' }],
    currentContext: 's',
  });
  return kc;
}

const claim = (name: string, rv: string) => ({
  apiVersion,
  kind: SERVICE_CLAIM_API.kind,
  metadata: { name, namespace: 'tenant-a', resourceVersion: rv },
});
const list = (rv: string, items: unknown[]) => (res: http.ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      kind: 'List',
      metadata: { resourceVersion: rv },
      items,
    }),
  );
const stream =
  (...lines: unknown[]) =>
  (res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (const line of lines) res.write(`${JSON.stringify(line)}\n`);
  };

describe('Informer supervision', () => {
  it('relists after 410 Gone and reports only what changed, vanished or came meanwhile', async () => {
    const server = new ScriptedApiServer(
      [
        list('10', [claim('a', '8'), claim('b', '9')]),
        // b vanished and c came while the watch was gone; a did not change.
        list('20', [claim('a', '8'), claim('c', '19')]),
      ],
      [
        stream({
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired' },
        }),
        stream({ type: 'MODIFIED', object: claim('c', '21') }),
      ],
    );
    const kc = kubeConfigAt(await server.start());
    const events: string[] = [];
    const informer = new Informer({
      kubeConfig: kc,
      objects: ObjectApi.fromKubeConfig(kc),
      apiVersion,
      kind: SERVICE_CLAIM_API.kind,
      logger: silentLogger,
      backoff: { initialMs: 50, maxMs: 100 },
      onEvent: e =>
        events.push(
          `${e.type} ${e.object.metadata?.name} ${e.object.metadata?.resourceVersion}`,
        ),
    });
    informer.start();
    try {
      await until('c modified', () => events.includes('MODIFIED c 21'));
      expect(events).toEqual([
        'ADDED a 8',
        'ADDED b 9',
        'ADDED c 19',
        'DELETED b 9',
        'MODIFIED c 21',
      ]);
      expect(server.requests.map(r => [r.kind, r.rv])).toEqual([
        ['list', undefined],
        ['watch', '10'],
        ['list', undefined],
        ['watch', '20'],
      ]);
      expect(informer.list().map(o => o.metadata?.name)).toEqual(['a', 'c']);
    } finally {
      await informer.stop();
      await server.close();
    }
  });

  it('lists every page of a long list before it counts as synced', async () => {
    const page =
      (rv: string, items: unknown[], next?: string) =>
      (res: http.ServerResponse) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            kind: 'List',
            metadata: {
              resourceVersion: rv,
              ...(next ? { continue: next } : {}),
            },
            items,
          }),
        );
    const server = new ScriptedApiServer(
      [page('30', [claim('a', '1')], 'page-2'), page('30', [claim('b', '2')])],
      [stream()],
    );
    const kc = kubeConfigAt(await server.start());
    const informer = new Informer({
      kubeConfig: kc,
      objects: ObjectApi.fromKubeConfig(kc),
      apiVersion,
      kind: SERVICE_CLAIM_API.kind,
      logger: silentLogger,
    });
    informer.start();
    try {
      expect(await informer.waitForSync()).toBe(true);
      expect(informer.list().map(o => o.metadata?.name)).toEqual(['a', 'b']);
      await until('watching', () => server.requests.length === 3);
      expect(server.requests).toEqual([
        { kind: 'list', rv: undefined, continue: undefined },
        { kind: 'list', rv: undefined, continue: 'page-2' },
        { kind: 'watch', rv: '30', continue: undefined },
      ]);
    } finally {
      await informer.stop();
      await server.close();
    }
  });

  it('counts a kind nobody serves as synced and empty', async () => {
    // Discovery of the group answers 404, as for a CRD that is not installed.
    const server = new ScriptedApiServer([], []);
    const kc = kubeConfigAt(await server.start());
    const informer = new Informer({
      kubeConfig: kc,
      objects: ObjectApi.fromKubeConfig(kc),
      apiVersion: 'nothere.example.com/v1',
      kind: 'Nothing',
      logger: silentLogger,
    });
    informer.start();
    try {
      expect(await informer.waitForSync()).toBe(true);
      expect(informer.list()).toEqual([]);
      expect(server.requests).toEqual([]);
    } finally {
      await informer.stop();
      await server.close();
    }
  });
});
