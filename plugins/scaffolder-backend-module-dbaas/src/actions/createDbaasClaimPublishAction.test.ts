import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonValue } from '@backstage/types';
import {
  StubDbaasApi,
  apiError,
  serviceDetails,
} from '@internal/test-services';
import { createDbaasClaimPublishAction } from './createDbaasClaimPublishAction';

const request = {
  name: 'orders',
  tenant: 'group:default/payments',
  engine: 'postgresql',
  plan: 'dedicated',
  region: 'lagos',
  config: { storageSize: '500Gi' },
};

const created = serviceDetails({
  gitops: {
    path: 'tenants/payments/orders.yaml',
    commitSha: 'a1b2c3',
    commitUrl: 'https://git.example.com/gitops/commit/a1b2c3',
  },
});

/** Checkpoints that outlive one attempt, as the task's state does. */
function checkpointStore() {
  const saved = new Map<string, JsonValue | void>();
  return async ({ key, fn }: { key: string; fn: () => any }) => {
    if (!saved.has(key)) saved.set(key, await fn());
    return saved.get(key);
  };
}

describe('dbaas:claim:publish', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
  });
  afterEach(() => api.close());

  function run(input: Record<string, unknown>, extra: object = {}) {
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        user: { ref: 'user:default/mock' },
      }),
      ...extra,
    };
    const action = createDbaasClaimPublishAction({
      client: api.client(),
      auth: mockServices.auth(),
    });
    return {
      done: action.handler(ctx as any),
      outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  it('orders the database as the user and outputs where its claim went', async () => {
    api.on('POST', '/v1/services', { status: 201, body: created });
    const { done, outputs } = run({ request });
    await done;

    expect(api.writes()).toEqual([
      expect.objectContaining({
        path: '/v1/services',
        body: request,
        authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.user(),
          targetPluginId: 'dbaas',
        }),
      }),
    ]);
    expect(outputs()).toEqual({
      serviceId: created.id,
      status: 'pending',
      gitopsPath: 'tenants/payments/orders.yaml',
      commitUrl: 'https://git.example.com/gitops/commit/a1b2c3',
      entityRef: 'resource:default/payments.orders',
    });
  });

  it('outputs the pull request when the portal proposes the claim', async () => {
    const proposed = serviceDetails({
      gitops: {
        path: 'tenants/payments/orders.yaml',
        commitSha: 'd4e5f6',
        commitUrl: 'https://github.example.com/acme/gitops/commit/d4e5f6',
        pullRequestUrl: 'https://github.example.com/acme/gitops/pull/7',
      },
    });
    api.on('POST', '/v1/services', { status: 201, body: proposed });
    const { done, outputs } = run({ request });
    await done;

    expect(outputs()).toMatchObject({
      commitUrl: 'https://github.example.com/acme/gitops/commit/d4e5f6',
      pullRequestUrl: 'https://github.example.com/acme/gitops/pull/7',
    });
  });

  it('leaves out the GitOps outputs until the API reports them', async () => {
    api.on('POST', '/v1/services', { status: 201, body: serviceDetails() });
    const { done, outputs } = run({ request });
    await done;

    expect(Object.keys(outputs()).sort()).toEqual([
      'entityRef',
      'serviceId',
      'status',
    ]);
  });

  it('orders once when the task is retried after the checkpoint', async () => {
    api.on('POST', '/v1/services', { status: 201, body: created });
    const checkpoint = checkpointStore();
    await run({ request }, { checkpoint }).done;
    const second = run({ request }, { checkpoint });
    await second.done;

    expect(api.writes()).toHaveLength(1);
    expect(second.outputs().serviceId).toBe(created.id);
  });

  it('takes a 409 as done when this user already ordered the same database', async () => {
    api
      .on(
        'POST',
        '/v1/services',
        apiError(
          409,
          'CONFLICT',
          'A database named "orders" already exists in group:default/payments',
        ),
      )
      .on('GET', '/v1/services', {
        body: {
          data: [
            serviceDetails({ id: 'other', name: 'orders-archive' }),
            created,
          ],
        },
      })
      .on('GET', `/v1/services/${created.id}`, { body: created });
    const { done, outputs } = run({ request });
    await done;

    expect(outputs().serviceId).toBe(created.id);
    const lookup = api.requests.find(
      r => r.method === 'GET' && r.path === '/v1/services',
    )!;
    expect(lookup.query.get('tenant')).toBe('group:default/payments');
    expect(lookup.query.get('q')).toBe('orders');
  });

  it('fails on a 409 for a database someone else ordered', async () => {
    const theirs = serviceDetails({ createdBy: 'user:default/someone-else' });
    api
      .on(
        'POST',
        '/v1/services',
        apiError(
          409,
          'CONFLICT',
          'A database named "orders" already exists in group:default/payments',
        ),
      )
      .on('GET', '/v1/services', { body: { data: [theirs] } })
      .on('GET', `/v1/services/${theirs.id}`, { body: theirs });
    const { done } = run({ request });

    await expect(done).rejects.toThrow(
      'The DBaaS API answered 409 CONFLICT: A database named "orders" already exists in group:default/payments',
    );
  });

  it('names every field the API refused', async () => {
    api.on(
      'POST',
      '/v1/services',
      apiError(
        400,
        'INVALID_REQUEST',
        'Invalid database config: config.storageSize: Must be between 100Gi and 10Ti',
        [
          {
            field: 'config.storageSize',
            constraint: 'Must be between 100Gi and 10Ti',
          },
          { field: 'config.regions', constraint: 'Needs at least 2 regions' },
        ],
      ),
    );
    const { done } = run({ request });

    await expect(done).rejects.toThrow(
      'The DBaaS API answered 400 INVALID_REQUEST: Invalid database config: config.storageSize: Must be between 100Gi and 10Ti; config.regions: Needs at least 2 regions',
    );
  });

  it('refuses a request that is no longer valid calling the API for nothing but its regions', async () => {
    const { done } = run({ request: { ...request, plan: 'premium' } });

    await expect(done).rejects.toThrow(/Invalid database request: plan/);
    // Only the regions, which the request is checked against.
    expect(api.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/catalog/regions',
    ]);
  });

  it('orders nothing in a dry run', async () => {
    const { done, outputs } = run({ request }, { isDryRun: true });
    await done;

    // Only the regions, which the request is checked against.
    expect(api.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      'GET /v1/catalog/regions',
    ]);
    expect(outputs()).toEqual({
      serviceId: 'dry-run',
      gitopsPath: 'tenants/payments/orders.yaml',
      entityRef: 'resource:default/payments.orders',
    });
  });
});
