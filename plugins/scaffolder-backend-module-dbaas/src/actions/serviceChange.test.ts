import type { AuthService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  specFromSku,
  type DbaasApi,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import {
  StubDbaasApi,
  apiError,
  serviceDetails,
} from '@internal/test-services';
import { createDbaasServiceConfigureAction } from './createDbaasServiceConfigureAction';
import { createDbaasServiceDecommissionAction } from './createDbaasServiceDecommissionAction';
import { createDbaasServiceScaleAction } from './createDbaasServiceScaleAction';

const orders = serviceDetails({ status: 'active' });
const path = `/v1/services/${orders.id}`;

describe('the dbaas:service actions', () => {
  let api: StubDbaasApi;
  beforeEach(async () => {
    api = await StubDbaasApi.start();
    api
      .on('GET', '/v1/services', { body: { data: [orders] } })
      .on('GET', path, { body: orders });
  });
  afterEach(() => api.close());

  /** Runs the action made by `create` against the stub, as the mock user. */
  const runner =
    (
      create: (deps: {
        client: DbaasApi;
        auth: AuthService;
      }) => TemplateAction<any, any, any>,
    ) =>
    (input: Record<string, unknown>, extra: object = {}) => {
      const ctx = {
        ...createMockActionContext({ input: input as any }),
        step: { id: 'change' },
        ...extra,
      };
      const action = create({
        client: api.client(),
        auth: mockServices.auth(),
      });
      return {
        done: action.handler(ctx as any),
        outputs: () => Object.fromEntries((ctx.output as jest.Mock).mock.calls),
      };
    };

  const byName = { tenant: 'group:default/payments', name: 'orders' };

  describe('dbaas:service:configure', () => {
    const run = runner(createDbaasServiceConfigureAction);

    it('changes the backup schedule of the database picked by tenant and name', async () => {
      api.on('PUT', path, {
        body: {
          id: orders.id,
          status: 'active',
          generation: 2,
          message: 'Requested: backup settings',
        },
      });
      const { done, outputs } = run({
        ...byName,
        config: { backup: { schedule: '30 1 * * *' }, storageSize: '' },
      });
      await done;

      expect(api.writes()).toEqual([
        expect.objectContaining({
          method: 'PUT',
          path,
          body: { config: { backup: { schedule: '30 1 * * *' } } },
        }),
      ]);
      expect(outputs()).toEqual({
        serviceId: orders.id,
        entityRef: 'resource:default/payments.orders',
        status: 'active',
        message: 'Requested: backup settings',
        generation: 2,
      });
    });

    it('refuses a bad schedule with its field before changing anything', async () => {
      const { done } = run({
        ...byName,
        config: { backup: { schedule: 'every night' } },
      });

      await expect(done).rejects.toThrow(
        /Invalid config change: config\.backup\.schedule: /,
      );
      expect(api.writes()).toEqual([]);
    });

    it('passes on what the API refused', async () => {
      api.on(
        'PUT',
        path,
        apiError(
          400,
          'INVALID_REQUEST',
          'Invalid change: config.storageSize: Storage cannot shrink (from 500Gi to 200Gi); volumes only grow',
        ),
      );
      const { done } = run({
        ...byName,
        config: { storageSize: '200Gi' },
      });

      await expect(done).rejects.toThrow(
        'The DBaaS API answered 400 INVALID_REQUEST: Invalid change: config.storageSize: Storage cannot shrink',
      );
    });
  });

  describe('dbaas:service:scale', () => {
    const run = runner(createDbaasServiceScaleAction);

    it('scales the data role', async () => {
      api.on('POST', `${path}/scale`, {
        body: {
          id: orders.id,
          status: 'active',
          generation: 2,
          message: 'Requested: instance replicas 3 \u2192 5',
        },
      });
      const { done, outputs } = run({
        serviceId: orders.id,
        scale: { replicas: 5, cpu: '' },
      });
      await done;

      expect(api.writes()[0].body).toEqual({ replicas: 5 });
      expect(outputs().message).toBe('Requested: instance replicas 3 \u2192 5');
    });

    it('fails for a database the user cannot see', async () => {
      const { done } = run({
        tenant: 'group:default/payments',
        name: 'ledger',
        scale: { replicas: 2 },
      });

      await expect(done).rejects.toThrow(
        'group:default/payments has no database ledger that you may see',
      );
    });

    it('asks the API for its dry run only, and outputs the claim\u2019s diff', async () => {
      const diff =
        '--- a/x.yaml\n+++ b/x.yaml\n@@\n-    replicas: 3\n+    replicas: 5\n';
      api.on('POST', `${path}/scale`, request =>
        request.query.get('dryRun') === 'true'
          ? {
              body: {
                dryRun: true,
                id: orders.id,
                message: 'Requested: instance replicas 3 \u2192 5',
                claim: { path: 'x.yaml', before: '', after: '', diff },
              },
            }
          : apiError(500, 'INTERNAL_ERROR', 'a dry run must not change'),
      );
      const { done, outputs } = run(
        { ...byName, scale: { replicas: 5 } },
        { isDryRun: true },
      );
      await done;

      expect(api.writes().map(w => w.url)).toEqual([
        `/api/dbaas${path}/scale?dryRun=true`,
      ]);
      expect(outputs()).toEqual({
        serviceId: orders.id,
        entityRef: 'resource:default/payments.orders',
        message: 'Requested: instance replicas 3 \u2192 5',
        claimDiff: diff,
      });
    });
  });

  describe('dbaas:service:decommission', () => {
    const run = runner(createDbaasServiceDecommissionAction);

    it('decommissions only when the name is typed again', async () => {
      api.on('DELETE', path, {
        status: 202,
        body: {
          id: orders.id,
          status: 'deleting',
          generation: 1,
          message: 'Deletion requested; a final backup is taken first',
        },
      });
      await expect(
        run({ ...byName, confirmName: 'order' }).done,
      ).rejects.toThrow(
        'confirmName: type the database name, orders, to decommission it',
      );
      expect(api.writes()).toEqual([]);

      const { done, outputs } = run({
        ...byName,
        confirmName: 'orders',
      });
      await done;

      expect(api.writes()).toEqual([
        expect.objectContaining({ method: 'DELETE', path }),
      ]);
      expect(outputs().status).toBe('deleting');
    });

    it('decommissions a database whose engine takes no final backup only once that is accepted', async () => {
      const sessions = serviceDetails({
        status: 'active',
        engine: 'dragonfly',
        name: 'sessions',
        config: specFromSku(skuCatalog, 'dfly-mem-16g', 'lagos'),
      });
      const sessionsPath = `/v1/services/${sessions.id}`;
      api
        .on('GET', '/v1/services', { body: { data: [sessions] } })
        .on('GET', sessionsPath, { body: sessions })
        .on('DELETE', sessionsPath, {
          status: 202,
          body: { id: sessions.id, status: 'deleting', generation: 1 },
        });
      const input = {
        ...byName,
        name: sessions.name,
        confirmName: sessions.name,
      };
      await expect(run(input).done).rejects.toThrow(
        /^confirmNoFinalBackup: .* can take no final backup \(Dragonfly snapshots only on its cron/,
      );
      expect(api.writes()).toEqual([]);

      await run({ ...input, confirmNoFinalBackup: true }).done;
      const [deleted] = api.writes();
      expect(deleted).toMatchObject({ method: 'DELETE', path: sessionsPath });
      expect(deleted.query.get('confirmNoFinalBackup')).toBe('true');
    });
  });
});
