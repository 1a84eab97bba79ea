import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  serviceCatalog,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { withTestPostgres } from '@internal/test-services';
import { ClaimStatusRecorder, type ClaimEvent } from './ClaimStatusRecorder';
import { DatabaseServiceStore } from './DatabaseServiceStore';
import { TimelineStore } from './TimelineStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())('ClaimStatusRecorder on %s', id => {
  async function setUp() {
    const knex = await databases.init(id);
    const store = await DatabaseServiceStore.create({
      database: mockServices.database({ knex }),
    });
    const timeline = new TimelineStore(knex);
    const recorder = new ClaimStatusRecorder(knex, timeline);
    const record = await store.createService({
      tenant: 'group:default/payments',
      organization: 'group:default/acme',
      name: 'orders',
      spec: specFromSku(serviceCatalog, 'pg-shared', 'lagos'),
      createdBy: 'user:default/ada',
    });
    const event = (type: 'ADDED' | 'MODIFIED' | 'DELETED', status?: object) =>
      recorder.record({
        cluster: 'lagos',
        type,
        serviceId: record.id,
        portalGeneration: 1,
        status: status as ClaimEvent['status'],
        observedAt: new Date(),
      });
    return { store, timeline, recorder, record, event };
  }

  it('turns what the cluster reports into the status and the timeline', async () => {
    const { store, timeline, record, event } = await setUp();

    expect(await event('ADDED')).toBeDefined();
    expect(await event('ADDED')).toBeUndefined();
    expect(await event('MODIFIED', { phase: 'Provisioning' })).toBeDefined();
    expect(
      await event('MODIFIED', {
        phase: 'Active',
        observedGeneration: 1,
        conditions: [
          { type: 'Ready', status: 'True', message: 'Cluster healthy' },
        ],
        connection: {
          host: 'orders-rw.tenant-payments.svc',
          port: 5432,
          passwordSecretRef: { name: 'orders-app', key: 'password' },
        },
      }),
    ).toBeDefined();

    const current = await store.getService(record.id);
    expect(current).toMatchObject({
      status: 'Active',
      reported: {
        observedGeneration: 1,
        connection: { host: 'orders-rw.tenant-payments.svc', port: 5432 },
      },
    });
    expect(
      (await timeline.list(record.id)).map(s => [s.step, s.detail]),
    ).toEqual([
      ['synced', undefined],
      ['provisioning', undefined],
      ['active', 'Cluster healthy'],
    ]);
  });

  it('ends a database only when its claim is gone while it is being deleted', async () => {
    const { store, record, event } = await setUp();

    expect(await event('DELETED')).toBeUndefined();
    expect(await store.getService(record.id)).toBeDefined();

    await store.markDeleting(record.id);
    expect(await event('MODIFIED', { phase: 'Active' })).toBeDefined();
    expect((await store.getService(record.id))?.status).toBe('Deleting');
    expect(await event('DELETED')).toBeDefined();
    expect(await store.getService(record.id)).toBeUndefined();
    expect(await store.getUsage('group:default/payments')).toMatchObject({
      instances: 0,
    });
  });

  it('ignores what is not about a database of the portal', async () => {
    const { timeline, recorder, record, event } = await setUp();
    await expect(
      recorder.record({
        cluster: 'lagos',
        type: 'ADDED',
        serviceId: 'not-an-id',
        observedAt: new Date(),
      }),
    ).resolves.toBeUndefined();
    expect(await event('MODIFIED', { phase: 'Sideways' })).toBeDefined();
    expect((await timeline.list(record.id)).map(s => s.step)).toEqual([
      'synced',
    ]);
  });
});
