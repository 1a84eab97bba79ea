import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import { ACME, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ADA = 'user:default/ada';
const OLU = 'user:default/olu';
const ROOT = 'user:default/root';

const config = (owners: string[]) => ({
  permissions: {
    platformAdmins: ['group:default/platform'],
    initialOwners: [{ organization: ACME, owners }],
  },
});

describe('dbaas.permissions.initialOwners', () => {
  it('makes the first owners of an organization that has none, once', async () => {
    const knex = await databases.init('SQLITE_3');
    let backend = await startDbaasBackend({ knex, config: config([ADA]) });
    const api = (user: string, method: 'get' | 'post', path: string) =>
      request(backend.server)
        [method](`/api/dbaas/v1${path}`)
        .set('Authorization', backend.as(user));
    try {
      // She acts as an owner at once: she makes Olu one.
      const granted = await api(
        ADA,
        'post',
        '/organizations/acme/members',
      ).send({ principal: OLU, role: 'org-owner' });
      expect(granted.status).toBe(201);
      const log = await api(
        ROOT,
        'get',
        `/audit-logs?organization=${encodeURIComponent(ACME)}`,
      );
      expect(
        log.body.data.map((e: { actor: string; resourceId: string }) => [
          e.actor,
          e.resourceId,
        ]),
      ).toEqual([
        [ADA, OLU],
        ['dbaas:initial-owners', ADA],
      ]);
      // Olu takes over and demotes her.
      expect(
        (
          await api(OLU, 'post', '/organizations/acme/members').send({
            principal: ADA,
            role: 'org-member',
          })
        ).status,
      ).toBe(201);
    } finally {
      await backend.stop();
    }

    // The organization has an owner: the list no longer changes it.
    backend = await startDbaasBackend({ knex, config: config([ADA]) });
    try {
      const members = await api(ADA, 'get', '/organizations/acme/members');
      expect(members.body.data).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ principal: ADA, role: 'org-member' }),
          expect.objectContaining({ principal: OLU, role: 'org-owner' }),
        ]),
      );
    } finally {
      await backend.stop();
    }
  });

  it.each([
    [[{ organization: 'acme', owners: [ADA] }], /organization/],
    [[{ organization: ACME, owners: [] }], /owners/],
    [[{ organization: ACME, owners: ['ada'] }], /owners/],
  ])('refuses to start with %j', async (initialOwners, field) => {
    const knex = await databases.init('SQLITE_3');
    await expect(
      startDbaasBackend({
        knex,
        config: {
          permissions: {
            platformAdmins: ['group:default/platform'],
            initialOwners,
          },
        },
      }),
    ).rejects.toThrow(
      new RegExp(
        `Invalid config: dbaas\\.permissions\\.initialOwners .*${field.source}`,
      ),
    );
  });
});
