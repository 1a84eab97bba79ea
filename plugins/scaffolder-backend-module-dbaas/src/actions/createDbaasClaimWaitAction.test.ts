import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import {
  StubDbaasApi,
  apiError,
  serviceDetails,
} from '@internal/test-services';
import { createDbaasClaimWaitAction } from './createDbaasClaimWaitAction';

const id = serviceDetails().id;
const path = `/v1/services/${id}`;

const active = serviceDetails({
  status: 'active',
  connection: {
    host: 'orders.tenant-payments.svc',
    port: 5432,
    username: 'app',
    passwordSecretRef: { name: 'orders-credentials', key: 'password' },
  },
});

describe('dbaas:claim:wait', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
  });
  afterEach(() => api.close());

  /** Answers each poll with the next of the given bodies, the last one for good. */
  function answers(...bodies: { status?: number; body?: unknown }[]) {
    let poll = 0;
    api.on('GET', path, () => bodies[Math.min(poll++, bodies.length - 1)]);
  }

  function run(input: Record<string, unknown>, extra: object = {}) {
    const logger = mockServices.logger.mock();
    const ctx = {
      ...createMockActionContext({ input: input as any, logger }),
      ...extra,
    };
    const action = createDbaasClaimWaitAction({
      client: api.client(),
      auth: mockServices.auth(),
      pollIntervalMs: 10,
    });
    return {
      logger,
      done: action.handler(ctx as any),
      outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
    };
  }

  const ok = (details: ServiceDetails) => ({ body: details });

  it('waits until the database is Active and outputs the Secret name only', async () => {
    answers(
      ok(serviceDetails()),
      ok(serviceDetails({ status: 'provisioning' })),
      ok(active),
    );
    const { done, outputs, logger } = run({ serviceId: id });
    await done;

    expect(outputs()).toEqual({
      phase: 'Active',
      timedOut: false,
      connectionSecret: 'orders-credentials',
      host: 'orders.tenant-payments.svc',
      port: 5432,
    });
    expect(api.requests).toHaveLength(3);
    const logged = JSON.stringify([
      (logger.info as jest.Mock).mock.calls,
      (logger.warn as jest.Mock).mock.calls,
    ]);
    expect(logged).not.toContain('mock-service-token');
    expect(logged).not.toContain('password');
  });

  it('stops waiting at the timeout without failing the task', async () => {
    answers(ok(serviceDetails({ status: 'provisioning' })));
    const { done, outputs } = run({ serviceId: id, timeoutSeconds: 1 });
    await done;

    expect(outputs()).toEqual({ phase: 'Provisioning', timedOut: true });
  });

  it('fails the step with the operator\u2019s reason when the database failed', async () => {
    answers(
      ok(
        serviceDetails({
          status: 'failed',
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'ProvisioningFailed',
              message: 'No capacity for 3 nodes in lagos',
            },
          ],
        }),
      ),
    );
    const { done } = run({ serviceId: id });

    await expect(done).rejects.toThrow(
      'Database orders failed: No capacity for 3 nodes in lagos',
    );
  });

  it('outputs a Failed phase when the template asks to', async () => {
    answers(ok(serviceDetails({ status: 'failed' })));
    const { done, outputs } = run({ serviceId: id, allowFailed: true });
    await done;

    expect(outputs()).toEqual({ phase: 'Failed', timedOut: false });
  });

  it('keeps polling through an API that is restarting', async () => {
    answers(apiError(503, 'SERVICE_UNAVAILABLE', 'Starting up'), ok(active));
    const { done, outputs } = run({ serviceId: id });
    await done;

    expect(outputs().phase).toBe('Active');
  });

  it('fails at once for a database the user cannot see', async () => {
    answers(apiError(404, 'NOT_FOUND', `There is no database ${id}`));
    const { done } = run({ serviceId: id });

    await expect(done).rejects.toThrow(
      `The DBaaS API answered 404 NOT_FOUND: There is no database ${id}`,
    );
    expect(api.requests).toHaveLength(1);
  });

  it('waits for nothing in a dry run', async () => {
    const { done, outputs } = run({ serviceId: id }, { isDryRun: true });
    await done;

    expect(api.requests).toEqual([]);
    expect(outputs()).toEqual({});
  });
});
