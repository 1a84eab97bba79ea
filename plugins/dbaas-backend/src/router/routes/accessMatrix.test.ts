import { TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import request from 'supertest';
import {
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ROOT = 'user:default/root';
const ADA = 'user:default/ada';
/** A service-viewer of payments, granted through the API. */
const LENA = 'user:default/lena';
/** A member of another organization's tenant. */
const GINA = 'user:default/gina';

type Route = {
  name: string;
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: object;
  mutates: boolean;
  /** Routes about one database or organization hide it from those who may not see it. */
  hidden: 'not-found' | 'empty' | 'forbidden';
};

describe.each(databases.eachSupportedId())(
  'every route denies other tenants and viewers, on %s',
  databaseId => {
    it('answers 404/403 and changes nothing', async () => {
      const knex = await databases.init(databaseId);
      const backend = await startDbaasBackend({ knex });
      const call = (route: Route, user: string) => {
        const req = request(backend.server)
          [route.method](`/api/dbaas/v1${route.path}`)
          .set('Authorization', backend.as(user));
        return route.body ? req.send(route.body) : req;
      };
      try {
        const created = await request(backend.server)
          .post('/api/dbaas/v1/services')
          .set('Authorization', backend.as(ADA))
          .send({
            name: 'ledger',
            tenant: PAYMENTS,
            engine: 'postgresql',
            plan: 'dedicated',
            region: 'lagos',
          });
        expect(created.status).toBe(201);
        const id = created.body.id;
        const backup = await request(backend.server)
          .post(`/api/dbaas/v1/services/${id}/backups`)
          .set('Authorization', backend.as(ADA))
          .send({});
        expect(backup.status).toBe(201);
        // The cluster's report that the backup finished (the provisioner's side).
        await knex('service_backups')
          .where({ id: backup.body.id })
          .update({
            status: 'completed',
            completed_at: new Date(Date.now() - 3_600_000),
          });
        const granted = await request(backend.server)
          .post('/api/dbaas/v1/organizations/acme/members')
          .set('Authorization', backend.as(ROOT))
          .send({ principal: LENA, role: 'service-viewer', tenant: PAYMENTS });
        expect(granted.status).toBe(201);
        const pipeline = await request(backend.server)
          .post(`/api/dbaas/v1/services/${id}/cdc-pipelines`)
          .set('Authorization', backend.as(ADA))
          .send({ name: 'orders', tables: ['public.orders'] });
        expect(pipeline.status).toBe(202);
        const cdc = `/services/${id}/cdc-pipelines`;

        const routes: Route[] = [
          {
            name: 'list',
            method: 'get',
            path: '/services',
            mutates: false,
            hidden: 'empty',
          },
          {
            name: 'create',
            method: 'post',
            path: '/services',
            body: {
              name: 'sneaky',
              tenant: PAYMENTS,
              engine: 'postgresql',
              plan: 'shared',
              region: 'lagos',
            },
            mutates: true,
            hidden: 'forbidden',
          },
          {
            name: 'get',
            method: 'get',
            path: `/services/${id}`,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'update',
            method: 'put',
            path: `/services/${id}`,
            body: { config: { storageSize: '2Ti' } },
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'scale',
            method: 'post',
            path: `/services/${id}/scale`,
            body: { replicas: 3 },
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'delete',
            method: 'delete',
            path: `/services/${id}`,
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'backups',
            method: 'get',
            path: `/services/${id}/backups`,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'backup',
            method: 'post',
            path: `/services/${id}/backups`,
            body: {},
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'restore',
            method: 'post',
            path: `/services/${id}/restore`,
            body: { backupId: backup.body.id },
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'restores',
            method: 'get',
            path: `/services/${id}/restores`,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'drills',
            method: 'get',
            path: `/services/${id}/drills`,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'drill now',
            method: 'post',
            path: `/services/${id}/drills`,
            body: {},
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'cdc pipelines',
            method: 'get',
            path: cdc,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'cdc pipeline',
            method: 'get',
            path: `${cdc}/orders`,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'add cdc pipeline',
            method: 'post',
            path: cdc,
            body: { name: 'sneaky', tables: ['public.sneaky'] },
            mutates: true,
            hidden: 'not-found',
          },
          ...['pause', 'resume', 'restart'].map(
            (verb): Route => ({
              name: `${verb} cdc pipeline`,
              method: 'post',
              path: `${cdc}/orders/${verb}`,
              mutates: true,
              hidden: 'not-found',
            }),
          ),
          {
            name: 'remove cdc pipeline',
            method: 'delete',
            path: `${cdc}/orders`,
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'metrics',
            method: 'get',
            path: `/services/${id}/metrics`,
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'organization',
            method: 'get',
            path: '/organizations/acme',
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'members',
            method: 'get',
            path: '/organizations/acme/members',
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'grant',
            method: 'post',
            path: '/organizations/acme/members',
            body: { principal: GINA, role: 'org-admin' },
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'revoke',
            method: 'delete',
            path: `/organizations/acme/members/${encodeURIComponent(
              LENA,
            )}?tenant=${encodeURIComponent(PAYMENTS)}`,
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'quotas',
            method: 'get',
            path: '/organizations/acme/quotas',
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'set quota',
            method: 'put',
            path: '/organizations/acme/quotas',
            body: {
              tenant: PAYMENTS,
              quota: {
                instances: 99,
                storageGi: 1,
                cpu: 1,
                memoryGi: 1,
                backups: 1,
                cdcPipelines: 1,
              },
            },
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'budgets',
            method: 'get',
            path: '/organizations/acme/budgets',
            mutates: false,
            hidden: 'not-found',
          },
          {
            name: 'set budget',
            method: 'put',
            path: '/organizations/acme/budgets',
            body: { tenant: PAYMENTS, monthlyBudget: 1 },
            mutates: true,
            hidden: 'not-found',
          },
          {
            name: 'audit log',
            method: 'get',
            path: `/audit-logs?tenant=${encodeURIComponent(PAYMENTS)}`,
            mutates: false,
            hidden: 'forbidden',
          },
          {
            name: 'platform overview',
            method: 'get',
            path: '/platform/overview',
            mutates: false,
            hidden: 'forbidden',
          },
        ];

        const snapshot = async () =>
          Object.fromEntries(
            await Promise.all(
              [
                'service_instances',
                'tenant_quotas',
                'service_backups',
                'service_restores',
                'service_restore_drills',
                'role_grants',
                'tenant_budgets',
              ].map(async table => [
                table,
                await knex(table).select().orderBy(1),
              ]),
            ),
          );
        const before = await snapshot();

        const outcomes: Record<string, number[]> = {};
        const errorCodes = new Set<string>();
        const listTotals: number[] = [];
        for (const route of routes) {
          const outsider = await call(route, GINA);
          const viewer = await call(route, LENA);
          outcomes[route.name] = [outsider.status, viewer.status];
          for (const response of [outsider, viewer]) {
            if (response.status >= 400)
              errorCodes.add(response.body.error.code);
            if (route.hidden === 'empty') {
              listTotals.push(response.body.pagination.total);
            }
          }
        }

        const hiddenStatus = { 'not-found': 404, forbidden: 403, empty: 200 };
        // Viewers read what is in their tenant (metrics: no Prometheus here),
        // and may change nothing.
        const viewerStatus = (route: Route) => {
          if (
            route.mutates ||
            route.name === 'audit log' ||
            route.name === 'platform overview'
          ) {
            return 403;
          }
          return route.name === 'metrics' ? 503 : 200;
        };
        const expected = Object.fromEntries(
          routes.map(route => [
            route.name,
            [hiddenStatus[route.hidden], viewerStatus(route)],
          ]),
        );
        expect(outcomes).toEqual(expected);
        // Every denial is in the API's error shape.
        expect([...errorCodes].sort()).toEqual([
          'FORBIDDEN',
          'NOT_FOUND',
          'SERVICE_UNAVAILABLE',
        ]);
        expect(listTotals).toEqual([0, 1]);
        expect(await snapshot()).toEqual(before);
      } finally {
        await backend.stop();
      }
    });
  },
);
