import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  engineBackups,
  type BackupCapability,
  type RestoreDrill,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  PAYMENTS,
  startDbaasBackend,
} from '../../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ADA = 'user:default/ada';
const HOUR = 3_600_000;

const reasonOf = (capability: BackupCapability) =>
  capability.available ? '' : capability.reason;

describe('restore drills', () => {
  async function setUp(drills: Record<string, unknown> = {}) {
    const knex = await databases.init('SQLITE_3');
    const scheduler = mockServices.scheduler();
    const backend = await startDbaasBackend({
      knex,
      scheduler,
      config: {
        restoreDrills: { maxRunning: 1, ...drills },
      },
    });
    const api = (method: 'get' | 'post', path: string, body?: object) => {
      const req = request(backend.server)
        [method](`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(ADA));
      return body ? req.send(body) : req;
    };
    const order = async (name: string, engine = 'postgresql') => {
      const { body } = await api('post', '/services', {
        name,
        tenant: PAYMENTS,
        engine,
        plan: 'dedicated',
        region: 'lagos',
        config: { backup: { enabled: true, retention: '7d' } },
      });
      return body as { id: string; name: string };
    };
    /** A backup that ended `hoursAgo`, with the engine's id reported. */
    const backupOf = async (serviceId: string, hoursAgo: number) => {
      const { body } = await api('post', `/services/${serviceId}/backups`, {});
      await knex('service_backups')
        .where({ id: body.id })
        .update({
          status: 'completed',
          completed_at: new Date(Date.now() - hoursAgo * HOUR),
          engine_backup_id: '20261202T060000',
        });
      return body.id as string;
    };
    /** One pass of the drills' schedule. */
    const tick = () => scheduler.triggerTask('dbaas-restore-drills');
    return { knex, backend, api, order, backupOf, tick };
  }

  /** The scratch database of a drill, as its restore names it. */
  async function scratchOf(knex: Knex, drill: RestoreDrill) {
    const [restore] = await knex('service_restores').where({
      id: drill.restoreId,
    });
    return restore.target_service_id as string;
  }

  async function becameActive(knex: Knex, id: string, at: Date) {
    await knex('service_instances').where({ id }).update({ status: 'Active' });
    await knex('service_timeline').insert({
      service_id: id,
      step: 'active',
      generation: 1,
      cluster: 'lagos',
      detail: null,
      at,
    });
  }

  it('restores the latest backup into a scratch database, records RTO and RPO, and deletes it', async () => {
    const { knex, backend, api, order, backupOf, tick } = await setUp();
    try {
      const ledger = await order('ledger');
      await backupOf(ledger.id, 30);
      const backupId = await backupOf(ledger.id, 2);

      const started = await api('post', `/services/${ledger.id}/drills`);
      expect(started.status).toBe(202);
      const drill = started.body as RestoreDrill;
      expect(drill).toMatchObject({
        serviceId: ledger.id,
        status: 'running',
        backupId,
        restoreId: expect.any(String),
        scratchName: expect.stringMatching(/^ledger-d[0-9]{12}$/),
        requestedBy: ADA,
      });
      // The backup's age when the drill started: two hours.
      expect(Math.abs(drill.rpoSeconds! - 7200)).toBeLessThan(5);

      // The scratch database: a restore of that backup, alone in lagos,
      // with no backups (nor final backup) of its own, outside the quota.
      const scratchId = await scratchOf(knex, drill);
      const scratch = await api('get', `/services/${scratchId}`);
      expect(scratch.body.config).toMatchObject({
        region: 'lagos',
        replication: { regions: ['lagos'] },
        backup: { enabled: false, drills: false },
        restore: { source: 'ledger', backup: '20261202T060000' },
      });
      // Not among the team's restores: the drill's.
      expect(
        (await api('get', `/services/${ledger.id}/restores`)).body.data,
      ).toEqual([]);
      const quotas = await api('get', '/organizations/acme/quotas');
      const payments = quotas.body.data.find(
        (q: { tenant: string }) => q.tenant === PAYMENTS,
      );
      expect(payments.usage.instances).toBe(1);
      // One an hour per database: scratch databases are outside the quota.
      expect(
        (await api('post', `/services/${ledger.id}/drills`)).body.error,
      ).toMatchObject({
        code: 'CONFLICT',
        message: `Database ledger had a restore drill at ${drill.startedAt}; the next may start an hour after it`,
      });

      // Ready 95 s after the start: the schedule's next pass ends the drill.
      await becameActive(
        knex,
        scratchId,
        new Date(new Date(drill.startedAt).getTime() + 95_000),
      );
      await tick();
      const passed = (await api('get', `/services/${ledger.id}/drills`)).body
        .data[0];
      expect(passed).toMatchObject({
        id: drill.id,
        rtoSeconds: 95,
        finishedAt: expect.any(String),
      });
      expect((await api('get', `/services/${scratchId}`)).body.status).toBe(
        'deleting',
      );
      const audit = await knex('audit_events').whereIn('action', [
        'service.restore',
        'service.delete',
      ]);
      expect(audit.map(e => [e.action, e.actor, e.resource_id]).sort()).toEqual(
        [
          ['service.delete', 'dbaas:restore-drills', scratchId],
          ['service.restore', ADA, scratchId],
        ],
      );
    } finally {
      await backend.stop();
    }
  });

  it('fails a drill whose scratch database fails, or that has nothing to restore', async () => {
    const { knex, backend, api, order, backupOf, tick } = await setUp();
    try {
      const ledger = await order('ledger');
      await backupOf(ledger.id, 1);
      const { body: drill } = await api(
        'post',
        `/services/${ledger.id}/drills`,
      );
      const scratchId = await scratchOf(knex, drill);
      await knex('service_instances')
        .where({ id: scratchId })
        .update({
          status: 'Failed',
          reported_status: JSON.stringify({
            phase: 'Failed',
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                message:
                  'recovery ended before configured recovery target was reached',
              },
            ],
          }),
        });
      await tick();
      const failed = (await api('get', `/services/${ledger.id}/drills`)).body
        .data[0];
      expect(failed.status).toBe('failed');
      expect(failed.message).toBe(
        'The scratch database failed: recovery ended before configured recovery target was reached',
      );

      // No backup at all: failed at once, nothing made.
      const empty = await order('empty');
      const none = await api('post', `/services/${empty.id}/drills`);
      expect(none.status).toBe(202);
      expect(none.body).toMatchObject({
        status: 'failed',
        message:
          'No restorable backup within the 7d retention: nothing could be restored',
      });
      expect(none.body.restoreId).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it('keeps to the platform budget and to what the engine can restore', async () => {
    const { backend, api, order, backupOf } = await setUp({ maxRunning: 1 });
    try {
      const ledger = await order('ledger');
      const books = await order('books');
      await backupOf(ledger.id, 1);
      await backupOf(books.id, 1);
      expect((await api('post', `/services/${ledger.id}/drills`)).status).toBe(
        202,
      );
      const over = await api('post', `/services/${books.id}/drills`);
      expect(over.status).toBe(409);
      expect(over.body.error.message).toBe(
        'The platform runs at most 1 restore drills at once; try again once one has finished',
      );

      const sessions = await order('sessions', 'vitess');
      expect(sessions.id).toEqual(expect.any(String));
      expect(engineBackups.vitess.restore.available).toBe(false);
      const refused = await api('post', `/services/${sessions.id}/drills`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe(
        `Database sessions cannot be drilled: ${reasonOf(
          engineBackups.vitess.restore,
        )}`,
      );
    } finally {
      await backend.stop();
    }
  });

  it('drills an Active database on the schedule once it has a backup', async () => {
    const { knex, backend, api, order, backupOf, tick } = await setUp();
    try {
      const ledger = await order('ledger');
      // Shared plans are not drilled unless their owner turns drills on.
      const { body: small } = await api('post', '/services', {
        name: 'small',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
      await backupOf(small.id, 1);
      await knex('service_instances')
        .whereIn('id', [ledger.id, small.id])
        .update({ status: 'Active' });
      await tick();
      expect(
        (await api('get', `/services/${ledger.id}/drills`)).body.data,
      ).toEqual([]);

      await backupOf(ledger.id, 1);
      await tick();
      const drill = (await api('get', `/services/${ledger.id}/drills`)).body
        .data[0];
      expect(drill).toMatchObject({
        status: 'running',
        requestedBy: 'dbaas:restore-drills',
      });
      expect(
        (await api('get', `/services/${small.id}/drills`)).body.data,
      ).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
