import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  specFromSku,
  type Backup,
  type Restore,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  StubDbaasApi,
  apiError,
  serviceDetails,
  type StubRequest,
} from '@internal/test-services';
import { checkpointStore } from '../__testUtils__/checkpointStore';
import { createDbaasServiceRestoreAction } from './createDbaasServiceRestoreAction';

const orders = serviceDetails({ status: 'active' });
const path = `/v1/services/${orders.id}`;
const byName = { tenant: 'group:default/payments', name: 'orders' };
const NEW_ID = '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b';

const backup = (id: string, completedAt: string): Backup => ({
  id,
  serviceId: orders.id,
  type: 'scheduled',
  status: 'completed',
  createdBy: 'system',
  createdAt: completedAt,
  completedAt,
});
const backups = [
  backup('7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a01', '2026-11-23T02:10:00Z'),
  backup('7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a02', '2026-11-24T02:10:00Z'),
  backup('7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a03', '2026-11-25T02:10:00Z'),
];

/** The API's answer to a restore, naming the new database as the backend does. */
const accepted = (request: StubRequest): Restore => ({
  restoreId: 'f0e1d2c3-0000-4000-8000-000000000001',
  serviceId: orders.id,
  backupId: request.body.backupId,
  ...(request.body.pointInTime
    ? { pointInTime: request.body.pointInTime }
    : {}),
  targetServiceId: NEW_ID,
  targetName: request.body.targetName ?? 'orders-r202611250900',
  status: 'pending',
  createdBy: 'user:default/mock',
  createdAt: '2026-11-25T09:00:00Z',
});

describe('dbaas:service:restore', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
    api
      .on('GET', '/v1/services', { body: { data: [orders] } })
      .on('GET', path, { body: orders })
      .on('GET', `${path}/backups`, { body: { data: backups } })
      .on('POST', `${path}/restore`, request => ({
        status: 202,
        body: accepted(request),
      }));
  });
  afterEach(() => api.close());

  function run(input: Record<string, unknown>, extra: object = {}) {
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        user: { ref: 'user:default/mock' },
      }),
      step: { id: 'restore' },
      ...extra,
    };
    const action = createDbaasServiceRestoreAction({
      client: api.client(),
      auth: mockServices.auth(),
    });
    return {
      done: action.handler(ctx as any),
      outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  it('restores a point in time into the named new database, from the last backup that ended before it', async () => {
    const { done, outputs } = run({
      ...byName,
      restore: { pointInTime: '2026-11-24T08:30:00Z' },
      targetName: 'orders-before-v2',
    });
    await done;

    expect(api.writes()).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: `${path}/restore`,
        body: {
          backupId: '7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a02',
          pointInTime: '2026-11-24T08:30:00Z',
          targetName: 'orders-before-v2',
        },
        authorization: mockCredentials.service.header({
          onBehalfOf: mockCredentials.user(),
          targetPluginId: 'dbaas',
        }),
      }),
    ]);
    expect(outputs()).toEqual({
      serviceId: orders.id,
      entityRef: 'resource:default/payments.orders',
      status: 'pending',
      message:
        'Restore of backup 7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a02 to 2026-11-24T08:30:00Z into the new database orders-before-v2 requested',
      restoreId: 'f0e1d2c3-0000-4000-8000-000000000001',
      backupId: '7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a02',
      targetServiceId: NEW_ID,
      targetName: 'orders-before-v2',
      targetEntityRef: 'resource:default/payments.orders-before-v2',
    });
  });

  it('leaves the name to the API when the form left it empty, and links to the database it made', async () => {
    const { done, outputs } = run({
      ...byName,
      restore: { backupId: backups[0].id, pointInTime: '' },
      targetName: '',
    });
    await done;

    expect(api.writes()[0].body).toEqual({ backupId: backups[0].id });
    expect(outputs()).toMatchObject({
      targetServiceId: NEW_ID,
      targetName: 'orders-r202611250900',
      targetEntityRef: 'resource:default/payments.orders-r202611250900',
    });
  });

  it('refuses a name the API would refuse, with its field, before sending', async () => {
    const { done } = run({ ...byName, targetName: 'Orders_Copy' });

    await expect(done).rejects.toThrow(
      /^Invalid restore request: targetName: must be lower-case letters/,
    );
    expect(api.writes()).toEqual([]);
  });

  it('refuses a point in time before every backup', async () => {
    const { done } = run({
      ...byName,
      restore: { pointInTime: '2026-11-01T00:00:00Z' },
    });

    await expect(done).rejects.toThrow(
      'pointInTime: no completed backup ended at or before 2026-11-01T00:00:00Z',
    );
    expect(api.writes()).toEqual([]);
  });

  it('says why an engine cannot restore, in a dry run too', async () => {
    const sessions = serviceDetails({
      status: 'active',
      engine: 'vitess',
      name: 'sessions',
      config: specFromSku(skuCatalog, 'vt-dedicated', 'lagos'),
    });
    const sessionsPath = `/v1/services/${sessions.id}`;
    api
      .on('GET', '/v1/services', { body: { data: [sessions] } })
      .on('GET', sessionsPath, { body: sessions })
      .on('GET', `${sessionsPath}/backups`, { body: { data: backups } });
    const input = { ...byName, name: 'sessions' };
    expect(sessions.backups.restore.available).toBe(false);
    const reason = (sessions.backups.restore as { reason: string }).reason;

    for (const extra of [{}, { isDryRun: true }]) {
      await expect(run(input, extra).done).rejects.toThrow(
        `Database sessions cannot be restored: ${reason}`,
      );
    }
    expect(api.writes()).toEqual([]);
  });

  it('in a dry run, asks the API for the restore\u2019s dry run and outputs the new claim', async () => {
    const diff =
      '--- /dev/null\n+++ b/tenants/payments/orders-before-v2.yaml\n@@ -0,0 +1,2 @@\n+kind: ServiceClaim\n+  name: orders-before-v2\n';
    const message = `Requested: restore of backup ${backups[2].id} into the new database orders-before-v2`;
    api.on('POST', `${path}/restore`, request =>
      request.query.get('dryRun') === 'true'
        ? {
            body: {
              dryRun: true,
              id: orders.id,
              message,
              claim: {
                path: 'tenants/payments/orders-before-v2.yaml',
                before: null,
                after: '',
                diff,
              },
            },
          }
        : apiError(500, 'INTERNAL_ERROR', 'a dry run must not restore'),
    );
    const logged: string[] = [];
    const logger = mockServices.logger.mock({
      info: (line: string) => logged.push(line),
    } as any);
    const { done, outputs } = run(
      { ...byName, targetName: 'orders-before-v2' },
      { isDryRun: true, logger },
    );
    await done;

    expect(api.writes().map(w => [w.url, w.body])).toEqual([
      [
        `/api/dbaas${path}/restore?dryRun=true`,
        { backupId: backups[2].id, targetName: 'orders-before-v2' },
      ],
    ]);
    expect(outputs()).toEqual({
      serviceId: orders.id,
      entityRef: 'resource:default/payments.orders',
      targetName: 'orders-before-v2',
      targetEntityRef: 'resource:default/payments.orders-before-v2',
      message,
      claimDiff: diff,
    });
    expect(logged.join('\n')).toContain('+  name: orders-before-v2');
  });

  it('restores once when the task is retried', async () => {
    const checkpoint = checkpointStore();
    const input = { ...byName, targetName: 'orders-before-v2' };
    await run(input, { checkpoint }).done;
    const { done, outputs } = run(input, { checkpoint });
    await done;

    expect(api.writes()).toHaveLength(1);
    expect(outputs().targetServiceId).toBe(NEW_ID);
  });

  describe('when the name is taken', () => {
    const taken = apiError(
      409,
      'CONFLICT',
      'group:default/payments already has a database orders-before-v2',
    );
    const input = {
      ...byName,
      restore: { backupId: backups[2].id },
      targetName: 'orders-before-v2',
    };

    it('takes the restore an earlier attempt of the task made as its own', async () => {
      api.on('POST', `${path}/restore`, taken).on('GET', `${path}/restores`, {
        body: {
          data: [
            {
              ...accepted({ body: input.restore } as StubRequest),
              targetName: 'orders-before-v2',
              status: 'running',
            },
          ],
        },
      });
      const { done, outputs } = run(input);
      await done;

      expect(outputs()).toMatchObject({
        status: 'running',
        targetServiceId: NEW_ID,
        targetEntityRef: 'resource:default/payments.orders-before-v2',
      });
    });

    it.each([
      ['someone else', { createdBy: 'user:default/alice' }],
      ['another backup', { backupId: backups[1].id }],
      ['a point in time', { pointInTime: '2026-11-25T03:00:00Z' }],
    ])(
      'passes the refusal on when the database of that name is a restore by %s',
      async (_what, other) => {
        api.on('POST', `${path}/restore`, taken).on('GET', `${path}/restores`, {
          body: {
            data: [
              {
                ...accepted({ body: input.restore } as StubRequest),
                targetName: 'orders-before-v2',
                ...other,
              },
            ],
          },
        });

        await expect(run(input).done).rejects.toThrow(
          'The DBaaS API answered 409 CONFLICT: group:default/payments already has a database orders-before-v2',
        );
      },
    );
  });

  it('passes on what the API refused', async () => {
    api.on(
      'POST',
      `${path}/restore`,
      apiError(
        429,
        'QUOTA_EXCEEDED',
        'Tenant group:default/payments has used all of its 10 databases',
      ),
    );

    await expect(run(byName).done).rejects.toThrow(
      'The DBaaS API answered 429 QUOTA_EXCEEDED: Tenant group:default/payments has used all of its 10 databases',
    );
  });
});
