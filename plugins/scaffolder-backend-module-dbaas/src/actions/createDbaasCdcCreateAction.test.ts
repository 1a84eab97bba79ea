import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  cdcDeadLetterTopic,
  cdcTableForms,
  cdcTopic,
  engineCdc,
  type CdcPipelineView,
  type EngineId,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';
import {
  StubDbaasApi,
  apiError,
  serviceDetails,
  type StubRequest,
} from '@internal/test-services';
import { checkpointStore } from '../__testUtils__/checkpointStore';
import { databaseEntityRef } from '../claim/databaseEntityRef';
import { createDbaasCdcCreateAction } from './createDbaasCdcCreateAction';

const orders = serviceDetails({ status: 'active' });
const ORDERS_REF = 'resource:default/payments.orders';
const path = (service: ServiceDetails) =>
  `/v1/services/${service.id}/cdc-pipelines`;

/** The claim diff the stub's dry run answers. */
const DIFF = '--- a/x.yaml\n+++ b/x.yaml\n@@\n+  cdc:\n';

const input = {
  database: ORDERS_REF,
  name: 'orders-feed',
  tables: ['public.orders', 'public.order_lines'],
  snapshot: 'initial',
};

/** A pipeline as the API shows it: pending until its PoP reports it. */
const view = (
  engine: EngineId,
  database: string,
  pipeline: { name: string; tables: string[]; snapshot?: 'initial' | 'never' },
): CdcPipelineView => ({
  name: pipeline.name,
  tables: pipeline.tables,
  snapshot: pipeline.snapshot ?? 'initial',
  paused: false,
  state: 'pending',
  topics: pipeline.tables.map(t => cdcTopic(engine, 'payments', t)),
  deadLetterTopic: cdcDeadLetterTopic(
    engine,
    'payments',
    database,
    pipeline.name,
  ),
});

/**
 * The CDC routes of a database on the stub, keeping its pipelines as the API
 * keeps them in the claim.
 */
function cdcRoutes(api: StubDbaasApi, service: ServiceDetails) {
  const pipelines: CdcPipelineView[] = [];
  api
    .on('GET', path(service), () => ({
      body: {
        data: pipelines,
        capability: engineCdc[service.engine],
        tableForm: cdcTableForms[service.engine],
      },
    }))
    .on('POST', path(service), (request: StubRequest) => {
      if (request.query.get('dryRun') === 'true') {
        return {
          body: {
            dryRun: true,
            id: service.id,
            message: `Requested: CDC pipeline ${request.body.name} added`,
            claim: { path: 'x.yaml', before: '', after: '', diff: DIFF },
          },
        };
      }
      const created = view(service.engine, service.name, request.body);
      pipelines.push(created);
      return { status: 202, body: created };
    });
  return pipelines;
}

describe('dbaas:cdc:create', () => {
  let api: StubDbaasApi;
  let pipelines: CdcPipelineView[];
  beforeEach(async () => {
    api = await StubDbaasApi.start();
    api.add(orders);
    pipelines = cdcRoutes(api, orders);
  });
  afterEach(() => api.close());

  function run(given: Record<string, unknown>, extra: object = {}) {
    const ctx = {
      ...createMockActionContext({
        input: given as any,
        user: { ref: 'user:default/mock' },
      }),
      step: { id: 'cdc' },
      ...extra,
    };
    const action = createDbaasCdcCreateAction({
      client: api.client(),
      auth: mockServices.auth(),
    });
    return {
      done: action.handler(ctx as any),
      outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  it('creates the pipeline on the picked database as the user, and outputs its topics and the CDC tab', async () => {
    const { done, outputs } = run(input);
    await done;

    expect(api.writes()).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: path(orders),
        body: {
          name: 'orders-feed',
          tables: ['public.orders', 'public.order_lines'],
          snapshot: 'initial',
        },
        authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.user(),
          targetPluginId: 'dbaas',
        }),
      }),
    ]);
    expect(outputs()).toEqual({
      serviceId: orders.id,
      entityRef: ORDERS_REF,
      cdcTabUrl: '/catalog/default/resource/payments.orders/cdc',
      pipeline: 'orders-feed',
      state: 'pending',
      topics: [
        'dbaas.cdc.postgresql.payments.public.orders',
        'dbaas.cdc.postgresql.payments.public.order_lines',
      ],
      deadLetterTopic: 'dbaas.cdc.postgresql.payments.dlq-orders-orders-feed',
    });
  });

  it('picks the database of the entity among databases of the same name, long team names too', async () => {
    const checkout = serviceDetails({
      id: '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5',
      tenant: 'group:default/checkout',
    });
    const long = serviceDetails({
      id: '1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6',
      tenant: `group:default/${'platform-engineering-'.repeat(3)}eu`,
    });
    api.add(checkout, long);
    cdcRoutes(api, long);
    const longRef = databaseEntityRef(long.tenant, 'orders');
    // The entity's name is cut and hashed: it does not read as team.database.
    expect(longRef).not.toContain('platform-engineering-eu.');

    const { done, outputs } = run({ ...input, database: longRef });
    await done;

    expect(api.writes().map(w => w.path)).toEqual([path(long)]);
    expect(outputs()).toMatchObject({ serviceId: long.id, entityRef: longRef });
  });

  it('says so when the entity is no database the user may see', async () => {
    await expect(
      run({ ...input, database: 'resource:default/checkout.orders' }).done,
    ).rejects.toThrow(
      'There is no database resource:default/checkout.orders that you may see',
    );
    await expect(
      run({ ...input, database: 'component:default/checkout-web' }).done,
    ).rejects.toThrow(
      'component:default/checkout-web is not a database\u2019s catalog entity',
    );
    expect(api.writes()).toEqual([]);
  });

  it('refuses a name or tables the API would refuse, with the field, before sending', async () => {
    await expect(run({ ...input, name: 'Orders_Feed' }).done).rejects.toThrow(
      /^Invalid CDC pipeline: name: must be a lowercase DNS label of at most 40 characters$/,
    );
    await expect(
      run({ ...input, tables: ['public.orders', 'orders'] }).done,
    ).rejects.toThrow(
      'Invalid CDC pipeline: tables.1: orders is not a schema.table: name each table as its topic does, such as public.orders',
    );
    expect(api.writes()).toEqual([]);
  });

  it('creates once when the task is retried', async () => {
    const checkpoint = checkpointStore();
    await run(input, { checkpoint }).done;
    const { done, outputs } = run(input, { checkpoint });
    await done;

    expect(api.writes()).toHaveLength(1);
    expect(outputs()).toMatchObject({
      pipeline: 'orders-feed',
      topics: [
        'dbaas.cdc.postgresql.payments.public.orders',
        'dbaas.cdc.postgresql.payments.public.order_lines',
      ],
    });
  });

  it('takes a pipeline of the same name and tables as its own when an attempt died before its checkpoint', async () => {
    pipelines.push({
      ...view('postgresql', 'orders', {
        name: 'orders-feed',
        tables: ['public.order_lines', 'public.orders'],
      }),
      state: 'running',
      connector: 'dbaas.tenant-payments.orders.orders-feed',
    });
    const { done, outputs } = run(input);
    await done;

    expect(api.writes()).toEqual([]);
    expect(outputs()).toMatchObject({
      pipeline: 'orders-feed',
      state: 'running',
      topics: [
        'dbaas.cdc.postgresql.payments.public.order_lines',
        'dbaas.cdc.postgresql.payments.public.orders',
      ],
    });
  });

  it.each([
    [
      'other tables',
      { tables: ['public.orders'] },
      'public.orders (snapshot initial), not of public.orders, public.order_lines (snapshot initial)',
    ],
    [
      'another snapshot',
      { tables: input.tables, snapshot: 'never' as const },
      'public.orders, public.order_lines (snapshot never), not of public.orders, public.order_lines (snapshot initial)',
    ],
  ])(
    'fails, saying what differs, when a pipeline of that name has %s',
    async (_what, other, differs) => {
      pipelines.push(
        view('postgresql', 'orders', { name: input.name, ...other }),
      );

      await expect(run(input).done).rejects.toThrow(
        `Database orders already has a CDC pipeline orders-feed, of ${differs}: give this one another name, or delete that one on the database\u2019s CDC tab first`,
      );
      expect(api.writes()).toEqual([]);
    },
  );

  it.each([
    [
      400,
      'INVALID_REQUEST',
      'Invalid CDC pipeline: tables.0: public.orders is already captured by pipeline audit',
    ],
    [
      409,
      'CONFLICT',
      'public.orders is already captured by database billing of group:default/payments (its pipeline orders): its topic dbaas.cdc.postgresql.payments.public.orders names no database, so one database writes it',
    ],
    [
      429,
      'QUOTA_EXCEEDED',
      'group:default/payments would use 21 of its 20 CDC pipelines',
    ],
  ])(
    'fails the step with what the API answered %s',
    async (status, code, message) => {
      api.on('POST', path(orders), apiError(status, code, message));

      await expect(run(input).done).rejects.toThrow(
        `The DBaaS API answered ${status} ${code}: ${message}`,
      );
    },
  );

  it('says why a database whose engine offers no CDC cannot stream its changes, in a dry run too', async () => {
    const sessions = serviceDetails({
      id: '2e3f4a5b-6c7d-4e8f-9a0b-c1d2e3f4a5b6',
      engine: 'vitess',
      name: 'sessions',
    });
    api.add(sessions);
    cdcRoutes(api, sessions);
    const capability = engineCdc.vitess;
    expect(capability.available).toBe(false);
    const reason = capability.available ? '' : capability.reason;
    const given = {
      ...input,
      database: 'resource:default/payments.sessions',
      tables: ['commerce.orders'],
    };

    for (const extra of [{}, { isDryRun: true }]) {
      await expect(run(given, extra).done).rejects.toThrow(
        `Database sessions cannot stream its changes: ${reason}`,
      );
    }
    expect(api.writes()).toEqual([]);
  });

  it('creates nothing in a dry run, outputs the claim\u2019s diff and where the pipeline will show', async () => {
    const { done, outputs } = run(input, { isDryRun: true });
    await done;

    // Only the API's dry run was asked.
    expect(api.writes().map(write => write.url)).toEqual([
      `/api/dbaas${path(orders)}?dryRun=true`,
    ]);
    expect(pipelines).toEqual([]);
    expect(outputs()).toEqual({
      serviceId: orders.id,
      entityRef: ORDERS_REF,
      cdcTabUrl: '/catalog/default/resource/payments.orders/cdc',
      pipeline: 'orders-feed',
      claimDiff: DIFF,
    });
  });
});
