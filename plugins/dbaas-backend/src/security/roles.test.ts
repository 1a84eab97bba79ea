import { TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  ACME,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';
import { portalState } from './__testUtils__/portalState';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const ROOT = 'user:default/root';
/** Org-owner of acme, granted by a platform admin. */
const ADA = 'user:default/ada';
/** Org-admin of acme: manages members, not owners. */
const OLU = 'user:default/olu';
const LENA = 'user:default/lena';

const quota = (limits: Partial<Record<string, number>> = {}) => ({
  instances: 10,
  storageGi: 10_240,
  cpu: 64,
  memoryGi: 256,
  backups: 100,
  cdcPipelines: 20,
  ...limits,
});

/**
 * The state attacks must leave as it was: every state table but the audit log,
 * and the audit events beside it, which may only gain the attempts' own
 * `failed` events (an attempt on roles or quotas belongs in the audit trail).
 */
async function expectOnlyFailedAttempts(
  knex: Knex,
  before: Record<string, unknown>,
  attackers: string[],
) {
  const { audit_events: eventsBefore, ...rest } = before;
  const { audit_events: eventsAfter, ...restAfter } = await portalState(knex);
  expect(restAfter).toEqual(rest);
  const added = (eventsAfter as string[])
    .filter(e => !(eventsBefore as string[]).includes(e))
    .map(e => JSON.parse(e));
  for (const event of added) {
    expect(event).toMatchObject({ outcome: 'failed' });
    expect(attackers).toContain(event.actor);
  }
}

describe.each(databases.eachSupportedId())(
  'roles and quotas hold against their holders, on %s',
  databaseId => {
    async function start(config?: Record<string, unknown>) {
      const knex = await databases.init(databaseId);
      const backend = await startDbaasBackend({ knex, config });
      const api = (
        user: string,
        method: 'get' | 'post' | 'put' | 'delete',
        url: string,
        body?: object,
      ) => {
        const req = request(backend.server)
          [method](`/api/dbaas/v1${url}`)
          .set('Authorization', backend.as(user));
        return body ? req.send(body) : req;
      };
      const grant = (by: string, principal: string, role: string) =>
        api(by, 'post', '/organizations/acme/members', { principal, role });
      return { knex, backend, api, grant };
    }

    it('lets nobody demote the last org-owner by granting a lesser role, nor an org-admin demote any owner', async () => {
      const { knex, backend, api, grant } = await start();
      try {
        expect((await grant(ROOT, ADA, 'org-owner')).status).toBe(201);
        expect((await grant(ADA, OLU, 'org-admin')).status).toBe(201);
        const before = await portalState(knex);

        // An org-admin may grant lesser roles, but not over an owner's.
        const byAdmin = await grant(OLU, ADA, 'org-member');
        expect(byAdmin.status).toBe(403);
        expect(byAdmin.body.error).toEqual({
          code: 'FORBIDDEN',
          name: 'NotAllowedError',
          message: 'Only an org-owner may demote an org-owner',
        });
        await expectOnlyFailedAttempts(knex, before, [OLU]);

        // The last owner cannot be demoted, by herself or a platform admin.
        for (const by of [ADA, ROOT]) {
          for (const role of ['org-admin', 'service-viewer']) {
            const demoted = await grant(by, ADA, role);
            expect(demoted.status).toBe(409);
            expect(demoted.body.error).toEqual({
              code: 'CONFLICT',
              name: 'ConflictError',
              message: `${ADA} is the last org-owner of ${ACME}; granting ${role} in place of org-owner would leave it without one, so make another principal org-owner first`,
            });
            await expectOnlyFailedAttempts(knex, before, [ADA, ROOT]);
          }
        }
        const revoked = await api(
          ROOT,
          'delete',
          `/organizations/acme/members/${encodeURIComponent(ADA)}`,
        );
        expect(revoked.status).toBe(409);
        expect(revoked.body.error.code).toBe('CONFLICT');
        await expectOnlyFailedAttempts(knex, before, [ADA, ROOT]);

        // She can still act as owner.
        expect((await grant(ADA, LENA, 'org-owner')).status).toBe(201);
        // With a second owner, an owner may step down.
        const stepDown = await grant(ADA, ADA, 'org-member');
        expect(stepDown.status).toBe(201);
        expect(stepDown.body).toMatchObject({
          principal: ADA,
          role: 'org-member',
        });
        // And then Lena is the last one.
        expect((await grant(LENA, LENA, 'org-admin')).status).toBe(409);
      } finally {
        await backend.stop();
      }
    });

    it('keeps two owners demoting each other at once from leaving none', async () => {
      const { knex, backend, grant } = await start();
      try {
        expect((await grant(ROOT, ADA, 'org-owner')).status).toBe(201);
        expect((await grant(ROOT, LENA, 'org-owner')).status).toBe(201);

        const [one, two] = await Promise.all([
          grant(ADA, LENA, 'org-member'),
          grant(LENA, ADA, 'org-member'),
        ]);

        // The loser is refused by the last-owner check (409), or, when the
        // winner's demotion committed before its permission check, as no
        // longer an owner (403).
        const statuses = [one.status, two.status].sort();
        expect(statuses[0]).toBe(201);
        expect([403, 409]).toContain(statuses[1]);
        const owners = await knex('role_grants').where({ role: 'org-owner' });
        expect(owners).toHaveLength(1);
      } finally {
        await backend.stop();
      }
    });

    it('refuses an owner a quota above the platform ceiling, and changes nothing', async () => {
      const { knex, backend, api, grant } = await start({
        quotas: { ceiling: { instances: 20, cpu: 128, storageGi: 20_480 } },
      });
      try {
        expect((await grant(ROOT, ADA, 'org-owner')).status).toBe(201);
        const within = await api(ADA, 'put', '/organizations/acme/quotas', {
          tenant: PAYMENTS,
          quota: quota({ instances: 20, cpu: 128 }),
        });
        expect(within.status).toBe(200);
        const before = await portalState(knex);

        for (const by of [ADA, ROOT]) {
          const raised = await api(by, 'put', '/organizations/acme/quotas', {
            tenant: PAYMENTS,
            quota: quota({ instances: 20, cpu: 100_000, storageGi: 1_000_000 }),
          });
          expect(raised.status).toBe(400);
          expect(raised.body.error).toMatchObject({
            code: 'INVALID_REQUEST',
            message:
              "Invalid quota: quota.storageGi: must be at most 20480, the platform's ceiling; quota.cpu: must be at most 128, the platform's ceiling",
            details: { field: 'quota.storageGi' },
          });
          expect(raised.body.error.details.violations).toEqual([
            {
              field: 'quota.storageGi',
              constraint: "must be at most 20480, the platform's ceiling",
            },
            {
              field: 'quota.cpu',
              constraint: "must be at most 128, the platform's ceiling",
            },
          ]);
          await expectOnlyFailedAttempts(knex, before, [ADA, ROOT]);
        }
        const usage = await api(ADA, 'get', '/organizations/acme/quotas');
        expect(usage.body.data).toContainEqual(
          expect.objectContaining({
            tenant: PAYMENTS,
            quota: quota({ instances: 20, cpu: 128 }),
          }),
        );
      } finally {
        await backend.stop();
      }
    });

    it('gives a new tenant the configured default quota', async () => {
      const { backend, api } = await start({
        quotas: { default: { instances: 1, cpu: 8 } },
      });
      try {
        const usage = await api(ROOT, 'get', '/organizations/acme/quotas');
        expect(usage.body.data).toContainEqual({
          tenant: PAYMENTS,
          quota: quota({ instances: 1, cpu: 8 }),
          usage: {
            instances: 0,
            storageGi: 0,
            cpu: 0,
            memoryGi: 0,
            backups: 0,
            cdcPipelines: 0,
          },
        });
        const create = (name: string) =>
          api(ADA, 'post', '/services', {
            name,
            tenant: PAYMENTS,
            engine: 'postgresql',
            plan: 'shared',
            region: 'lagos',
          });
        expect((await create('one')).status).toBe(201);
        const second = await create('two');
        expect(second.status).toBe(429);
        expect(second.body.error.message).toBe(
          'group:default/payments would use 2 of its 1 databases',
        );
      } finally {
        await backend.stop();
      }
    });

    it.each([
      [
        { quotas: { default: { cpu: 'lots' } } },
        /Invalid config: dbaas\.quotas\.default must be a quota .*cpu: /,
      ],
      [
        { quotas: { ceiling: { cpus: 8 } } },
        /Invalid config: dbaas\.quotas\.ceiling must be a quota .*Unrecognized key/,
      ],
      [
        { quotas: { default: { cpu: 64 }, ceiling: { cpu: 32 } } },
        /Invalid config: dbaas\.quotas\.default\.cpu \(64\) is above dbaas\.quotas\.ceiling\.cpu \(32\)/,
      ],
    ])('refuses to start with bad quota config %j', async (config, message) => {
      const knex = await databases.init(databaseId);
      await expect(startDbaasBackend({ knex, config })).rejects.toThrow(
        message,
      );
    });
  },
);
