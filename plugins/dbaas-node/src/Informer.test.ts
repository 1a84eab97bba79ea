import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  Watch,
  setHeaderOptions,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import {
  ScriptedApiServer,
  answerList,
  answerWatch,
  describeWithServices,
  installCrds,
  kubeConfigFrom,
  startTcpProxy,
} from '@internal/test-services';
import { sleep } from './backoff';
import {
  Informer,
  type InformerEvent,
  type InformerLogger,
  type InformerOptions,
  type WatchedObject,
} from './Informer';
import { ObjectApi } from './ObjectApi';

jest.setTimeout(60_000);

// A kind of the tests' own: the informer is not tied to any.
const widgetApi = {
  group: 'informer.test.dbaas.io',
  version: 'v1',
  plural: 'widgets',
};
const apiVersion = `${widgetApi.group}/${widgetApi.version}`;
const KIND = 'Widget';
const widgetCrd: V1CustomResourceDefinition = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${widgetApi.plural}.${widgetApi.group}` },
  spec: {
    group: widgetApi.group,
    names: { kind: KIND, plural: widgetApi.plural, singular: 'widget' },
    scope: 'Namespaced',
    versions: [
      {
        name: widgetApi.version,
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { version: { type: 'string' } },
              },
            },
          },
        },
      },
    ],
  },
};

type Widget = {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec?: { version?: string };
};

const silentLogger: InformerLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

async function until(what: string, check: () => boolean, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(5);
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
    await installCrds(kc, [
      { file: 'Informer.test.ts', raw: widgetCrd, crd: widgetCrd },
    ]);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('resumes its watch after the connection is cut, without a relist and without losing a change', async () => {
    await custom.createNamespacedCustomObject({
      ...widgetApi,
      namespace,
      body: {
        apiVersion,
        kind: KIND,
        metadata: { name: 'orders', namespace, labels: { 'test-run': run } },
        spec: { version: '16.2' },
      },
    });
    // A TCP proxy in front of the apiserver whose connections the test cuts.
    const proxy = await startTcpProxy(env.DBAAS_KUBE_API_URL);
    const proxied = pointedAt(kc, proxy.url);

    const events: InformerEvent<Widget>[] = [];
    const objects = ObjectApi.fromKubeConfig(proxied);
    const lists = jest.spyOn(objects, 'listPage');
    const watches = jest.spyOn(Watch.prototype, 'watch');
    const informer = new Informer<Widget>({
      kubeConfig: proxied,
      objects,
      apiVersion,
      kind: KIND,
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
            ...widgetApi,
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
      proxy.cutConnections();
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
      await proxy.close();
    }
  });
});

const served = { apiVersion, kind: KIND, plural: widgetApi.plural };

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

/** An informer of widgets from the stand-in at `server`. */
async function informerAt(
  server: ScriptedApiServer,
  options: Partial<InformerOptions<WatchedObject>> = {},
): Promise<Informer<WatchedObject>> {
  const kc = kubeConfigAt(await server.start());
  return new Informer({
    kubeConfig: kc,
    objects: ObjectApi.fromKubeConfig(kc),
    apiVersion,
    kind: KIND,
    logger: silentLogger,
    ...options,
  });
}

const widget = (name: string, rv: string) => ({
  apiVersion,
  kind: KIND,
  metadata: { name, namespace: 'tenant-a', resourceVersion: rv },
});

describe('Informer supervision', () => {
  it('relists after 410 Gone and reports only what changed, vanished or came meanwhile', async () => {
    const server = new ScriptedApiServer(
      served,
      [
        answerList('10', [widget('a', '8'), widget('b', '9')]),
        // b vanished and c came while the watch was gone; a did not change.
        answerList('20', [widget('a', '8'), widget('c', '19')]),
      ],
      [
        answerWatch({
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired' },
        }),
        answerWatch({ type: 'MODIFIED', object: widget('c', '21') }),
      ],
    );
    const events: string[] = [];
    const informer = await informerAt(server, {
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

  it('reports unchanged objects on a relist when asked, and marks what vanished meanwhile', async () => {
    const server = new ScriptedApiServer(
      served,
      [
        answerList('10', [widget('a', '8'), widget('b', '9')]),
        answerList('20', [widget('a', '8')]),
      ],
      [
        answerWatch({
          type: 'ERROR',
          object: { kind: 'Status', code: 410, reason: 'Expired' },
        }),
        answerWatch(),
      ],
    );
    const events: string[] = [];
    const informer = await informerAt(server, {
      reportUnchangedOnRelist: true,
      onEvent: e =>
        events.push(
          `${e.type} ${e.object.metadata?.name}${
            e.finalStateUnknown ? ' (final state unknown)' : ''
          }`,
        ),
    });
    informer.start();
    try {
      await until('the second watch', () => server.requests.length === 4);
      expect(events).toEqual([
        'ADDED a',
        'ADDED b',
        'MODIFIED a',
        'DELETED b (final state unknown)',
      ]);
    } finally {
      await informer.stop();
      await server.close();
    }
  });

  it('lists every page of a long list before it counts as synced', async () => {
    const server = new ScriptedApiServer(
      served,
      [
        answerList('30', [widget('a', '1')], 'page-2'),
        answerList('30', [widget('b', '2')]),
      ],
      [answerWatch()],
    );
    const informer = await informerAt(server);
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
    const server = new ScriptedApiServer(served, [], []);
    const informer = await informerAt(server, {
      apiVersion: 'nothere.example.com/v1',
      kind: 'Nothing',
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
