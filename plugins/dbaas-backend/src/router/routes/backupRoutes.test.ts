import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import {
  engineBackups,
  type BackupCapability,
} from '@internal/backstage-plugin-dbaas-common';
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

describe('backups and restores', () => {
  async function setUp() {
    const knex = await databases.init('SQLITE_3');
    const backend = await startDbaasBackend({ knex });
    const api = (method: 'get' | 'post', path: string, body?: object) => {
      const req = request(backend.server)
        [method](`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(ADA));
      return body ? req.send(body) : req;
    };
    const { body: service } = await api('post', '/services', {
      name: 'ledger',
      tenant: PAYMENTS,
      engine: 'postgresql',
      plan: 'dedicated',
      region: 'lagos',
      config: { backup: { enabled: true, retention: '7d' } },
    });
    /** A backup that finished `hoursAgo`, as the cluster would report it. */
    const completedBackup = async (hoursAgo: number) => {
      const { body } = await api('post', `/services/${service.id}/backups`, {
        description: 'before the migration',
      });
      await knex('service_backups')
        .where({ id: body.id })
        .update({
          status: 'completed',
          size_bytes: 5368709120,
          started_at: new Date(Date.now() - hoursAgo * HOUR - 600_000),
          completed_at: new Date(Date.now() - hoursAgo * HOUR),
        });
      return body.id as string;
    };
    return { backend, api, service, completedBackup, knex };
  }

  it('takes a backup on request and lists it with its size and times', async () => {
    const { backend, api, service, knex } = await setUp();
    try {
      const created = await api('post', `/services/${service.id}/backups`, {
        type: 'manual',
        description: 'Pre-upgrade backup',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        serviceId: service.id,
        type: 'manual',
        status: 'pending',
        description: 'Pre-upgrade backup',
        createdBy: ADA,
      });
      await knex('service_backups')
        .where({ id: created.body.id })
        .update({ status: 'completed', size_bytes: 1024 });

      const listed = await api('get', `/services/${service.id}/backups`);
      expect(listed.body.data).toEqual([
        expect.objectContaining({
          id: created.body.id,
          status: 'completed',
          sizeBytes: 1024,
        }),
      ]);
    } finally {
      await backend.stop();
    }
  });

  it("frees the backup quota as backups outlive their database's retention", async () => {
    const { backend, api, service, knex } = await setUp();
    try {
      // Room for the one backup taken in setUp's database and one more.
      const [used] = await knex('service_backups').count({ n: '*' });
      await knex('tenant_quotas')
        .insert({
          tenant: PAYMENTS,
          max_instances: 100,
          max_storage_gi: 100_000,
          max_cpu: 1_000,
          max_memory_gi: 4_000,
          max_backups: Number(used.n) + 1,
        })
        .onConflict('tenant')
        .merge(['max_backups']);
      const take = () => api('post', `/services/${service.id}/backups`, {});
      const first = await take();
      expect(first.status).toBe(201);
      expect((await take()).status).toBe(429);

      // Completed 8 days ago, past the database's 7d retention: the engine
      // has deleted it, and it no longer counts.
      await knex('service_backups')
        .where({ id: first.body.id })
        .update({
          status: 'completed',
          completed_at: new Date(Date.now() - 8 * 24 * HOUR),
        });
      expect((await take()).status).toBe(201);
      expect((await take()).status).toBe(429);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a manual backup the engine cannot take, with the reason, and records nothing', async () => {
    const { backend, api, knex } = await setUp();
    try {
      const { body: mongo, status } = await api('post', '/services', {
        tenant: PAYMENTS,
        name: 'sessions',
        engine: 'mongodb',
        plan: 'dedicated',
        region: 'lagos',
        sku: 'mongo-flex-rs',
      });
      expect(status).toBe(201);
      const before = await knex('service_backups').count({ n: '*' });
      const refused = await api('post', `/services/${mongo.id}/backups`, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe(
        `Database sessions cannot be backed up now: ${reasonOf(
          engineBackups.mongodb.manual,
        )}`,
      );
      expect(await knex('service_backups').count({ n: '*' })).toEqual(before);
    } finally {
      await backend.stop();
    }
  });

  it('checks the moment against the retention window, then refuses the restore no engine performs yet', async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(48);
      const restore = (body: object) =>
        api('post', `/services/${service.id}/restore`, body);

      // A well-formed request in the window: refused with the reason, and
      // nothing recorded that would wait forever (engineBackups).
      const inWindow = new Date(Date.now() - 24 * HOUR).toISOString();
      const refused = await restore({ backupId, pointInTime: inWindow });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({
        code: 'CONFLICT',
        message: `Database ${service.name} cannot be restored: ${reasonOf(
          engineBackups.postgresql.pointInTime,
        )}`,
      });
      const toItsEnd = await restore({ backupId });
      expect(toItsEnd.status).toBe(409);
      expect(toItsEnd.body.error.message).toMatch(/Restores are not built yet/);
      expect(
        Number((await knex('service_restores').count({ n: '*' }))[0].n),
      ).toBe(0);

      const beforeBackup = new Date(Date.now() - 72 * HOUR).toISOString();
      const tooEarly = await restore({ backupId, pointInTime: beforeBackup });
      expect(tooEarly.status).toBe(400);
      expect(tooEarly.body.error.details.field).toBe('pointInTime');
      expect(tooEarly.body.error.details.constraint).toMatch(
        /^Must be between .* \(the backup's end, within the 7d retention\) and .* \(now\)$/,
      );

      const future = new Date(Date.now() + HOUR).toISOString();
      expect((await restore({ backupId, pointInTime: future })).status).toBe(
        400,
      );

      const expired = await completedBackup(24 * 8);
      const old = await restore({ backupId: expired });
      expect(old.status).toBe(400);
      expect(old.body.error.details).toMatchObject({
        field: 'backupId',
        constraint: expect.stringContaining('before the 7d retention window'),
      });
    } finally {
      await backend.stop();
    }
  });

  it('refuses to restore a backup that has not completed, or is not this database\u2019s', async () => {
    const { backend, api, service } = await setUp();
    try {
      const { body: pending } = await api(
        'post',
        `/services/${service.id}/backups`,
        {},
      );
      const notDone = await api('post', `/services/${service.id}/restore`, {
        backupId: pending.id,
      });
      expect(notDone.status).toBe(400);
      expect(notDone.body.error.details.constraint).toBe(
        `Backup ${pending.id} is pending; only a completed backup can be restored`,
      );

      const unknown = await api('post', `/services/${service.id}/restore`, {
        backupId: '0b7c1a4e-7f0e-4c3a-9d55-2f1e8c9b6a10',
      });
      expect(unknown.status).toBe(404);
    } finally {
      await backend.stop();
    }
  });
});
