import { TestDatabases } from '@backstage/backend-test-utils';
import yaml from 'js-yaml';
import type { Knex } from 'knex';
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

/** The engine's own id of a backup, as the cluster reports it. */
const reportEngineId = (knex: Knex, backupId: string, engineId: string) =>
  knex('service_backups')
    .where({ id: backupId })
    .update({ engine_backup_id: engineId });

const reasonOf = (capability: BackupCapability) =>
  capability.available ? '' : capability.reason;

describe('backups and restores', () => {
  async function setUp() {
    const knex = await databases.init('SQLITE_3');
    const backend = await startDbaasBackend({ knex });
    const api = (
      method: 'get' | 'post' | 'put',
      path: string,
      body?: object,
    ) => {
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
      const completedAt = new Date(Date.now() - hoursAgo * HOUR);
      await knex('service_backups')
        .where({ id: body.id })
        .update({
          status: 'completed',
          size_bytes: 5368709120,
          started_at: new Date(completedAt.getTime() - 600_000),
          completed_at: completedAt,
          expires_at: new Date(completedAt.getTime() + 7 * 24 * HOUR),
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

  it('frees the backup quota and the list as a shorter retention expires backups', async () => {
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

      // Completed two days ago, as the cluster reports it: kept for the
      // database's 7d retention, it still counts.
      await knex('service_backups')
        .where({ id: first.body.id })
        .update({
          status: 'completed',
          completed_at: new Date(Date.now() - 48 * HOUR),
          expires_at: new Date(Date.now() + 5 * 24 * HOUR),
        });
      expect((await take()).status).toBe(429);

      // A retention of one day expires it: the engine deletes it, it leaves
      // the list and no longer counts.
      const changed = await api('put', `/services/${service.id}`, {
        config: { backup: { enabled: true, retention: '1d' } },
      });
      expect(changed.status).toBe(200);
      const { body: list } = await api(
        'get',
        `/services/${service.id}/backups`,
      );
      expect(list.data.map((b: { id: string }) => b.id)).not.toContain(
        first.body.id,
      );
      expect((await take()).status).toBe(201);
      expect((await take()).status).toBe(429);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a manual backup the engine cannot take, with the reason, and records nothing', async () => {
    const { backend, api, knex } = await setUp();
    try {
      const { body: vitess, status } = await api('post', '/services', {
        tenant: PAYMENTS,
        name: 'sessions',
        engine: 'vitess',
        plan: 'dedicated',
        region: 'lagos',
        sku: 'vt-dedicated',
      });
      expect(status).toBe(201);
      expect(engineBackups.vitess.manual.available).toBe(false);
      const before = await knex('service_backups').count({ n: '*' });
      const refused = await api('post', `/services/${vitess.id}/backups`, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toBe(
        `Database sessions cannot be backed up now: ${reasonOf(
          engineBackups.vitess.manual,
        )}`,
      );
      expect(await knex('service_backups').count({ n: '*' })).toEqual(before);
    } finally {
      await backend.stop();
    }
  });

  it('restores a backup into a new database of the same tenant, plan and region, with audit', async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(48);
      await reportEngineId(knex, backupId, '20261130T101500');

      const restored = await api('post', `/services/${service.id}/restore`, {
        backupId,
        targetName: 'ledger-copy',
      });
      expect(restored.status).toBe(202);
      expect(restored.body).toEqual({
        restoreId: expect.any(String),
        serviceId: service.id,
        backupId,
        targetServiceId: expect.any(String),
        targetName: 'ledger-copy',
        status: 'pending',
        createdBy: ADA,
        createdAt: expect.any(String),
      });
      const targetId = restored.body.targetServiceId;
      expect(restored.headers.location).toBe(`services/${targetId}`);

      // The new database: the source's configuration, its backup named.
      const target = await api('get', `/services/${targetId}`);
      expect(target.body).toMatchObject({
        name: 'ledger-copy',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'lagos',
        restoredFrom: {
          restoreId: restored.body.restoreId,
          serviceId: service.id,
          targetServiceId: targetId,
          status: 'pending',
        },
      });
      expect(target.body.config.restore).toEqual({
        source: 'ledger',
        sourceId: service.id,
        backup: '20261130T101500',
      });
      expect(target.body.config.backup).toEqual(service.config.backup);

      // The source lists it, and shows it by id; the source keeps running.
      const listed = await api('get', `/services/${service.id}/restores`);
      expect(listed.body.data).toEqual([restored.body]);
      const one = await api(
        'get',
        `/services/${service.id}/restores/${restored.body.restoreId}`,
      );
      expect(one.body).toEqual(restored.body);
      expect((await api('get', `/services/${service.id}`)).body.status).toBe(
        'pending',
      );

      const audit = await knex('audit_events').where({
        action: 'service.restore',
      });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        resource_id: targetId,
        actor: ADA,
        outcome: 'succeeded',
      });
      expect(JSON.parse(audit[0].details)).toMatchObject({
        name: 'ledger-copy',
        sourceId: service.id,
        backupId,
        pointInTime: null,
      });

      // Without a name, one is made from the source's and the time.
      const unnamed = await api('post', `/services/${service.id}/restore`, {
        backupId,
      });
      expect(unnamed.status).toBe(202);
      expect(unnamed.body.targetName).toMatch(/^ledger-r[0-9]{12}$/);
      // A name taken in the tenant: 409, and no second restore recorded.
      const taken = await api('post', `/services/${service.id}/restore`, {
        backupId,
        targetName: 'ledger-copy',
      });
      expect(taken.status).toBe(409);
      expect(await knex('service_restores').count({ n: '*' })).toEqual([
        { n: 2 },
      ]);
    } finally {
      await backend.stop();
    }
  });

  it("previews a restore as the new database's claim, refusing what the restore refuses, recording nothing", async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(48);
      await reportEngineId(knex, backupId, '20261130T101500');
      const tables = [
        'service_instances',
        'service_restores',
        'audit_events',
        'gitops_outbox',
        'service_timeline',
      ];
      const counts = async () =>
        Promise.all(
          tables.map(async table => [
            table,
            (await knex(table).count({ n: '*' }))[0].n,
          ]),
        );
      const before = await counts();
      const preview = (body: object, as = ADA) =>
        request(backend.server)
          .post(`/api/dbaas/v1/services/${service.id}/restore?dryRun=true`)
          .set('Authorization', backend.as(as))
          .send(body);

      const pointInTime = new Date(Date.now() - 24 * HOUR).toISOString();
      const answer = await preview({
        backupId,
        pointInTime,
        targetName: 'ledger-copy',
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        dryRun: true,
        id: service.id,
        message: `Requested: restore of backup ${backupId} to ${pointInTime} into the new database ledger-copy`,
        claim: { path: 'tenants/payments/ledger-copy.yaml', before: null },
      });
      const claim = yaml.load(answer.body.claim.after) as any;
      expect(claim.metadata).toMatchObject({
        name: 'ledger-copy',
        namespace: 'tenant-payments',
      });
      expect(claim.spec).toMatchObject({
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'lagos',
        restore: {
          source: 'ledger',
          sourceId: service.id,
          backup: '20261130T101500',
          pointInTime,
        },
      });
      expect(answer.body.claim.diff).toMatch(
        /^--- \/dev\/null\n\+\+\+ b\/tenants\/payments\/ledger-copy\.yaml\n/,
      );
      expect(answer.body.claim.diff).toContain('+  name: ledger-copy');

      // Refused as the restore itself would be: a name taken in the tenant,
      // a moment outside the window, another tenant's member, the quota.
      const taken = await preview({ backupId, targetName: 'ledger' });
      expect(taken.status).toBe(409);
      expect(taken.body.error.message).toContain('ledger');
      const tooLate = await preview({
        backupId,
        pointInTime: new Date().toISOString(),
      });
      expect(tooLate.status).toBe(400);
      expect((await preview({ backupId }, 'user:default/kwame')).status).toBe(
        404,
      );
      const [{ n: live }] = await knex('service_instances').count({ n: '*' });
      await knex('tenant_quotas')
        .insert({
          tenant: PAYMENTS,
          max_instances: Number(live),
          max_storage_gi: 100_000,
          max_cpu: 1_000,
          max_memory_gi: 4_000,
          max_backups: 100,
        })
        .onConflict('tenant')
        .merge(['max_instances']);
      const overQuota = await preview({ backupId, targetName: 'ledger-copy' });
      expect(overQuota.status).toBe(429);

      expect(await counts()).toEqual(before);
      // The real restore then makes what the preview showed.
      await knex('tenant_quotas')
        .where({ tenant: PAYMENTS })
        .update({ max_instances: 100 });
      const restored = await api('post', `/services/${service.id}/restore`, {
        backupId,
        pointInTime,
        targetName: 'ledger-copy',
      });
      expect(restored.status).toBe(202);
      const target = await api(
        'get',
        `/services/${restored.body.targetServiceId}`,
      );
      expect(target.body.config).toEqual(claim.spec);
    } finally {
      await backend.stop();
    }
  });

  it("restores a deleted database's backup, under its old name, up to when it was deleted", async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(48);
      await reportEngineId(knex, backupId, '20261130T101500');
      // Deleted an hour ago, as the cluster confirms it.
      const deletedAt = new Date(Date.now() - HOUR);
      await knex('service_instances')
        .where({ id: service.id })
        .update({ status: 'Deleting', deleted_at: deletedAt });
      expect((await api('get', `/services/${service.id}`)).status).toBe(404);

      // A drill's scratch database, deleted after its drill, is the drill's.
      const { body: scratch } = await api('post', '/services', {
        name: 'ledger-d202612010200',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'lagos',
        config: { backup: { enabled: false } },
      });
      await knex('service_instances')
        .where({ id: scratch.id })
        .update({ drill: true, deleted_at: new Date() });

      // Listed among the deleted, with its backups.
      const deleted = await api('get', '/services?deleted=true');
      expect(deleted.body.data).toEqual([
        expect.objectContaining({
          id: service.id,
          name: 'ledger',
          deletedAt: deletedAt.toISOString(),
          backupRetention: '7d',
        }),
      ]);
      expect(
        (await api('get', '/services')).body.data.map((s: any) => s.id),
      ).not.toContain(service.id);
      const backups = await api('get', `/services/${service.id}/backups`);
      expect(backups.body.data.map((b: any) => b.id)).toEqual([backupId]);
      // Another tenant's member sees none of it, and cannot restore it.
      const kwame = (method: 'get' | 'post', path: string, body?: object) => {
        const req = request(backend.server)
          [method](`/api/dbaas/v1${path}`)
          .set('Authorization', backend.as('user:default/kwame'));
        return body ? req.send(body) : req;
      };
      expect((await kwame('get', '/services?deleted=true')).body.data).toEqual(
        [],
      );
      expect(
        (await kwame('get', `/services/${service.id}/backups`)).status,
      ).toBe(404);
      expect(
        (
          await kwame('post', `/services/${service.id}/restore`, {
            backupId,
            targetName: 'stolen',
          })
        ).status,
      ).toBe(404);

      // Its log ends when it was deleted.
      const late = await api('post', `/services/${service.id}/restore`, {
        backupId,
        pointInTime: new Date(Date.now() - 30 * 60_000).toISOString(),
      });
      expect(late.status).toBe(400);
      expect(late.body.error.message).toMatch(/when the database was deleted/);

      // Its name is free again: the restore may take it, and the new
      // database's backups get a folder of their own (by its id).
      const restored = await api('post', `/services/${service.id}/restore`, {
        backupId,
        targetName: 'ledger',
        pointInTime: new Date(deletedAt.getTime() - HOUR).toISOString(),
      });
      expect(restored.status).toBe(202);
      const target = await api(
        'get',
        `/services/${restored.body.targetServiceId}`,
      );
      expect(target.body).toMatchObject({ name: 'ledger', status: 'pending' });
      expect(target.body.config.restore).toMatchObject({
        source: 'ledger',
        sourceId: service.id,
        backup: '20261130T101500',
      });
      expect(target.body.id).not.toBe(service.id);
    } finally {
      await backend.stop();
    }
  });

  it('follows the restore through its new database', async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(2);
      await reportEngineId(knex, backupId, '20261202T080000');
      const restore = async (targetName: string) => {
        const { body } = await api('post', `/services/${service.id}/restore`, {
          backupId,
          targetName,
        });
        return body;
      };
      const statusOf = async (restoreId: string) =>
        (await api('get', `/services/${service.id}/restores/${restoreId}`))
          .body;

      const ok = await restore('ledger-ok');
      await knex('service_instances')
        .where({ id: ok.targetServiceId })
        .update({ status: 'Provisioning' });
      expect((await statusOf(ok.restoreId)).status).toBe('running');
      await knex('service_instances')
        .where({ id: ok.targetServiceId })
        .update({ status: 'Active' });
      await knex('service_timeline').insert({
        service_id: ok.targetServiceId,
        step: 'active',
        generation: 1,
        cluster: 'lagos',
        detail: null,
        at: new Date(),
      });
      expect((await statusOf(ok.restoreId)).status).toBe('completed');
      // Done is done: what happens to the database later is its own story.
      await knex('service_instances')
        .where({ id: ok.targetServiceId })
        .update({ status: 'Failed' });
      expect((await statusOf(ok.restoreId)).status).toBe('completed');

      const bad = await restore('ledger-bad');
      await knex('service_instances')
        .where({ id: bad.targetServiceId })
        .update({
          status: 'Failed',
          reported_status: JSON.stringify({
            phase: 'Failed',
            conditions: [
              {
                type: 'Ready',
                status: 'False',
                reason: 'ClusterFailed',
                message:
                  'recovery ended before configured recovery target was reached',
              },
            ],
          }),
        });
      expect(await statusOf(bad.restoreId)).toMatchObject({
        status: 'failed',
        message: 'recovery ended before configured recovery target was reached',
      });

      const gone = await restore('ledger-gone');
      await knex('service_instances')
        .where({ id: gone.targetServiceId })
        .update({ deleted_at: new Date() });
      expect(await statusOf(gone.restoreId)).toMatchObject({
        status: 'failed',
        message: 'The new database was deleted before it was ready',
      });

      // A restore is found only under the database whose backup it restored.
      const other = await api(
        'get',
        `/services/${ok.targetServiceId}/restores/${ok.restoreId}`,
      );
      expect(other.status).toBe(404);
      expect(
        (await api('get', `/services/${service.id}/restores/not-a-uuid`))
          .status,
      ).toBe(404);
    } finally {
      await backend.stop();
    }
  });

  it('restores to a point in time the backup and the archive cover, and names the window otherwise', async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(48);
      await reportEngineId(knex, backupId, '20261130T101500');
      const restore = (body: object) =>
        api('post', `/services/${service.id}/restore`, { backupId, ...body });

      const inWindow = new Date(Date.now() - 24 * HOUR);
      const accepted = await restore({
        pointInTime: inWindow.toISOString(),
        targetName: 'ledger-yesterday',
      });
      expect(accepted.status).toBe(202);
      expect(accepted.body.pointInTime).toBe(inWindow.toISOString());
      const target = await api(
        'get',
        `/services/${accepted.body.targetServiceId}`,
      );
      expect(target.body.config.restore).toEqual({
        source: 'ledger',
        sourceId: service.id,
        backup: '20261130T101500',
        pointInTime: inWindow.toISOString(),
      });

      const before = await knex('service_instances').count({ n: '*' });
      const window =
        /^Must be between .* \(the backup's end, within the 7d retention\) and .* \(five minutes ago: a newer log may not be saved yet\)$/;
      for (const moment of [
        new Date(Date.now() - 72 * HOUR), // before the backup ended
        new Date(Date.now() - 60_000), // not archived yet
        new Date(Date.now() + HOUR), // the future
      ]) {
        const refused = await restore({ pointInTime: moment.toISOString() });
        expect(refused.status).toBe(400);
        expect(refused.body.error.details.field).toBe('pointInTime');
        expect(refused.body.error.details.constraint).toMatch(window);
      }

      const expired = await completedBackup(24 * 8);
      const old = await restore({ backupId: expired });
      expect(old.status).toBe(400);
      expect(old.body.error.details).toMatchObject({
        field: 'backupId',
        constraint: expect.stringContaining('before the 7d retention window'),
      });
      expect(await knex('service_instances').count({ n: '*' })).toEqual(before);
    } finally {
      await backend.stop();
    }
  });

  it('refuses, with the reason, a restore the engine cannot do or a backup it cannot name', async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      // No engine id reported yet (a backup completed before restores were built).
      const unnamed = await completedBackup(3);
      const refused = await api('post', `/services/${service.id}/restore`, {
        backupId: unnamed,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /has not reported the engine's id of it/,
      );

      // An engine without restores: 409 naming why, nothing recorded.
      const { body: yb } = await api('post', '/services', {
        name: 'accounts',
        tenant: PAYMENTS,
        engine: 'yugabyte',
        plan: 'dedicated',
        region: 'lagos',
      });
      const [ybBackup] = await knex('service_backups')
        .insert({
          id: '6f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c',
          service_id: yb.id,
          tenant: PAYMENTS,
          type: 'scheduled',
          status: 'completed',
          completed_at: new Date(Date.now() - HOUR),
          engine_backup_name: 'accounts-nightly',
          engine_backup_id: 'accounts-nightly',
          created_by: 'schedule:lagos',
          created_at: new Date(Date.now() - 2 * HOUR),
        })
        .returning('id');
      const ybRefused = await api('post', `/services/${yb.id}/restore`, {
        backupId: ybBackup.id ?? ybBackup,
      });
      expect(ybRefused.status).toBe(409);
      expect(ybRefused.body.error.message).toBe(
        `Database accounts cannot be restored: ${reasonOf(
          engineBackups.yugabyte.restore,
        )}`,
      );
      expect(await knex('service_restores').count({ n: '*' })).toEqual([
        { n: 0 },
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('counts the restored database against the tenant\u2019s quota', async () => {
    const { backend, api, service, completedBackup, knex } = await setUp();
    try {
      const backupId = await completedBackup(2);
      await reportEngineId(knex, backupId, '20261202T080000');
      await knex('tenant_quotas')
        .where({ tenant: PAYMENTS })
        .update({ max_instances: 1 });
      const over = await api('post', `/services/${service.id}/restore`, {
        backupId,
      });
      expect(over.status).toBe(429);
      expect(over.body.error).toMatchObject({
        code: 'QUOTA_EXCEEDED',
        message: 'group:default/payments would use 2 of its 1 databases',
      });
      expect(await knex('service_restores').count({ n: '*' })).toEqual([
        { n: 0 },
      ]);
      expect(
        await knex('audit_events').where({ action: 'service.restore' }),
      ).toEqual([expect.objectContaining({ outcome: 'failed' })]);
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
