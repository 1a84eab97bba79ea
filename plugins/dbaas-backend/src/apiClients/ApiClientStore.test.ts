import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import { migratedClient } from '../database/migrations';
import { ApiClientStore } from './ApiClientStore';

jest.setTimeout(60_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const subject = 'external:keycloak:4f1c2d3e-0000-4000-8000-000000000001';
const ada = 'user:default/ada';
const kwame = 'user:default/kwame';

describe.each(databases.eachSupportedId())('ApiClientStore on %s', id => {
  let clock = new Date('2026-12-04T10:00:00Z');
  const store = async () =>
    new ApiClientStore(
      await migratedClient(
        mockServices.database({ knex: await databases.init(id) }),
      ),
      () => clock,
    );

  it('binds a client to the one user who registers it first, even when two try at once', async () => {
    const clients = await store();
    const attempts = await Promise.allSettled([
      clients.register({ subject, owner: ada, description: 'payments CI' }),
      clients.register({ subject, owner: kwame, description: 'checkout CI' }),
      clients.register({ subject, owner: ada, description: 'payments CI' }),
    ]);
    const owner = await clients.ownerOf(subject);
    expect([ada, kwame]).toContain(owner);
    // Whoever lost was told so; the winner's repeat changed nothing else.
    const refused = attempts.flatMap(a =>
      a.status === 'rejected' ? [String(a.reason)] : [],
    );
    const owners = attempts.flatMap(a =>
      a.status === 'fulfilled' ? [a.value.client.owner] : [],
    );
    expect(refused.every(r => r.includes('acts for another user'))).toBe(true);
    expect(new Set(owners)).toEqual(new Set([owner]));
    expect(
      attempts.filter(a => a.status === 'fulfilled' && a.value.created),
    ).toHaveLength(1);
  });

  it('changes the description on a second registration, lists, removes, and lets it be registered again', async () => {
    const clients = await store();
    expect(
      await clients.register({ subject, owner: ada, description: 'first' }),
    ).toMatchObject({ created: true, client: { description: 'first' } });
    clock = new Date('2026-12-04T11:00:00Z');
    expect(
      await clients.register({ subject, owner: ada, description: 'second' }),
    ).toMatchObject({
      created: false,
      client: {
        description: 'second',
        createdAt: '2026-12-04T10:00:00.000Z',
      },
    });
    expect(await clients.listFor(ada)).toEqual([
      {
        subject,
        owner: ada,
        description: 'second',
        createdAt: '2026-12-04T10:00:00.000Z',
      },
    ]);
    expect(await clients.listFor(kwame)).toEqual([]);

    // Only its owner removes it; then it acts for nobody.
    await expect(clients.remove(subject, kwame)).rejects.toThrow(
      'No API client',
    );
    await clients.remove(subject, ada);
    expect(await clients.ownerOf(subject)).toBeUndefined();
    expect(await clients.listFor(ada)).toEqual([]);
    await expect(clients.remove(subject, ada)).rejects.toThrow('No API client');

    // Removed, it may be registered anew, by anyone holding its secret.
    expect(
      await clients.register({ subject, owner: kwame, description: 'mine' }),
    ).toMatchObject({ created: true, client: { owner: kwame } });
    expect(await clients.ownerOf(subject)).toBe(kwame);
  });

  it('records a call at most once a minute', async () => {
    const clients = await store();
    clock = new Date('2026-12-04T10:00:00Z');
    await clients.register({ subject, owner: ada, description: 'CI' });
    await clients.touch(subject);
    clock = new Date('2026-12-04T10:00:30Z');
    await clients.touch(subject);
    expect((await clients.listFor(ada))[0].lastUsedAt).toBe(
      '2026-12-04T10:00:00.000Z',
    );
    clock = new Date('2026-12-04T10:01:30Z');
    await clients.touch(subject);
    expect((await clients.listFor(ada))[0].lastUsedAt).toBe(
      '2026-12-04T10:01:30.000Z',
    );
  });
});
