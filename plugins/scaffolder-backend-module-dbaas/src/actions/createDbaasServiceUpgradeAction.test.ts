import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  StubDbaasApi,
  apiError,
  serviceDetails,
} from '@internal/test-services';
import { createDbaasServiceUpgradeAction } from './createDbaasServiceUpgradeAction';

const orders = serviceDetails({
  status: 'active',
  engine: 'postgresql',
  config: { engine: 'postgresql', version: '16' } as any,
});
const path = `/v1/services/${orders.id}`;
/** The entity the templates' picker gives for orders. */
const ORDERS_ENTITY = 'resource:default/payments.orders';

describe('dbaas:service:upgrade', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
    api
      .on('GET', '/v1/services', { body: { data: [orders] } })
      .on('GET', path, { body: orders });
  });
  afterEach(() => api.close());

  const run = (input: Record<string, unknown>, extra: object = {}) => {
    const ctx = {
      ...createMockActionContext({ input: input as any }),
      step: { id: 'upgrade' },
      ...extra,
    };
    const action = createDbaasServiceUpgradeAction({
      client: api.client(),
      auth: mockServices.auth(),
    });
    return {
      done: action.handler(ctx as any),
      outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  };

  it('upgrades the database the entity picker gave, through the API as the user', async () => {
    api.on('PUT', path, {
      body: {
        id: orders.id,
        status: 'active',
        generation: 2,
        message: 'Requested: version 16 \u2192 17',
      },
    });
    const { done, outputs } = run({ database: ORDERS_ENTITY, version: '17' });
    await done;

    expect(api.writes()).toEqual([
      expect.objectContaining({
        method: 'PUT',
        url: `/api/dbaas${path}`,
        body: { config: { version: '17' } },
      }),
    ]);
    // The user's own token reached the API, not the scaffolder's.
    expect(api.writes()[0].caller).toBe('user:default/mock');
    expect(outputs()).toMatchObject({
      serviceId: orders.id,
      entityRef: ORDERS_ENTITY,
      message: 'Requested: version 16 \u2192 17',
    });
  });

  it('refuses a version the engine does not upgrade to, sending nothing', async () => {
    const { done } = run({ database: ORDERS_ENTITY, version: '15' });
    await expect(done).rejects.toThrow(
      'version: orders runs postgresql 16, which upgrades to 17, not 15',
    );
    expect(api.writes()).toEqual([]);
  });

  it('finds no database for a forged entity naming another tenant\u2019s database', async () => {
    // The catalog may hold an entity of any name (a forged location); the
    // action asks the API, which lists only the databases the user may see:
    // here none of payments', the user being in checkout only.
    api.on('GET', '/v1/services', { body: { data: [] } });
    const { done } = run({ database: ORDERS_ENTITY, version: '17' });
    await expect(done).rejects.toThrow(
      `There is no database ${ORDERS_ENTITY} that you may see`,
    );
    expect(api.writes()).toEqual([]);
    // Nor is a database id taken on trust: the API answers 404 for it.
    api.on('GET', path, apiError(404, 'NOT_FOUND', `No database ${orders.id}`));
    const byId = run({ serviceId: orders.id, version: '17' });
    await expect(byId.done).rejects.toThrow(/404 NOT_FOUND/);
    expect(api.writes()).toEqual([]);
  });

  it('in a dry run, asks the API for the dry run and logs and outputs the claim\u2019s diff', async () => {
    const diff =
      "--- a/tenants/payments/orders.yaml\n+++ b/tenants/payments/orders.yaml\n@@\n-  version: '16'\n+  version: '17'\n";
    api.on('PUT', path, request =>
      request.query.get('dryRun') === 'true'
        ? {
            body: {
              dryRun: true,
              id: orders.id,
              message: 'Requested: version 16 \u2192 17',
              claim: {
                path: 'tenants/payments/orders.yaml',
                before: '',
                after: '',
                diff,
              },
            },
          }
        : apiError(500, 'INTERNAL_ERROR', 'a dry run must not change'),
    );
    const logged: string[] = [];
    const logger = mockServices.logger.mock({
      info: (message: string) => logged.push(message),
    } as any);
    const { done, outputs } = run(
      { database: ORDERS_ENTITY, version: '17' },
      { isDryRun: true, logger },
    );
    await done;

    expect(api.writes().map(w => w.url)).toEqual([
      `/api/dbaas${path}?dryRun=true`,
    ]);
    expect(outputs()).toEqual({
      serviceId: orders.id,
      entityRef: ORDERS_ENTITY,
      message: 'Requested: version 16 \u2192 17',
      claimDiff: diff,
    });
    expect(logged.join('\n')).toContain("+  version: '17'");
  });
});
