import type { EngineId } from '@internal/backstage-plugin-dbaas-common';
import type { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import { claimCases, claimFrom } from '../render/__testUtils__/skuClaims';
import { ensureCredentials } from './ensureCredentials';
import { deleteYsqlPasswordCopy } from './ysqlPasswordCopy';

type Created = {
  metadata: { name: string; namespace?: string };
  stringData: Record<string, string>;
};

/**
 * An ObjectApi that records creates (answering 409 for names it has seen),
 * reads back what it recorded and deletes it.
 */
function fakeObjects() {
  const created: Created[] = [];
  const find = (meta: Created['metadata']) =>
    created.findIndex(
      o =>
        o.metadata.name === meta.name &&
        o.metadata.namespace === meta.namespace,
    );
  const notFound = () => Object.assign(new Error('not found'), { code: 404 });
  const objects = {
    create: jest.fn(async (object: Created) => {
      if (find(object.metadata) >= 0) {
        throw Object.assign(new Error('conflict'), { code: 409 });
      }
      created.push(object);
      return object;
    }),
    read: jest.fn(async (object: Created) => {
      const i = find(object.metadata);
      if (i < 0) throw notFound();
      const data = Object.fromEntries(
        Object.entries(created[i].stringData).map(([k, v]) => [
          k,
          Buffer.from(v).toString('base64'),
        ]),
      );
      return { ...created[i], data };
    }),
    delete: jest.fn(async (object: Created) => {
      const i = find(object.metadata);
      if (i < 0) throw notFound();
      created.splice(i, 1);
    }),
  };
  return { objects: objects as unknown as ObjectApi, created };
}

function claimOf(engine: EngineId) {
  const c = claimCases().find(x => x.engine === engine)!;
  return claimFrom(c.id, c.spec);
}

describe('ensureCredentials', () => {
  it.each([
    ['scylla', ['-credentials', '-admin', '-manager']],
    ['aerospike', ['-credentials', '-admin']],
    ['yugabyte', ['.ysql', '-credentials']],
    ['vitess', ['-credentials']],
    ['mongodb', ['-credentials', '-system-users']],
    ['dragonfly', ['-credentials']],
    ['postgresql', []],
  ] as const)(
    'creates the Secrets a %s claim needs',
    async (engine, suffixes) => {
      const claim = claimOf(engine);
      const { objects, created } = fakeObjects();
      await ensureCredentials(objects, claim, new Set());
      expect(created.map(s => s.metadata.name)).toEqual(
        suffixes.map(suffix =>
          suffix === '.ysql'
            ? `${claim.metadata.namespace}.${claim.metadata.name}.ysql`
            : `${claim.metadata.name}${suffix}`,
        ),
      );
    },
  );

  it('gives the administrator a password of its own, never the default', async () => {
    for (const engine of ['scylla', 'aerospike'] as const) {
      const claim = claimOf(engine);
      const { objects, created } = fakeObjects();
      await ensureCredentials(objects, claim, new Set());
      const [credentials, admin] = created.map(s => s.stringData);
      expect(admin.username).toBe(
        engine === 'scylla' ? 'dbaas_admin' : 'admin',
      );
      expect(admin.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(admin.password).not.toBe(credentials.password);
      expect(['admin', 'cassandra']).not.toContain(admin.password);
    }
  });

  it('leaves existing Secrets alone and creates the missing one', async () => {
    const claim = claimOf('aerospike');
    const { objects, created } = fakeObjects();
    // A claim made before the admin Secret existed: only its credentials.
    created.push({
      metadata: {
        name: `${claim.metadata.name}-credentials`,
        namespace: claim.metadata.namespace,
      },
      stringData: { password: 'kept' },
    });
    await ensureCredentials(objects, claim, new Set());
    expect(created.map(s => s.metadata.name)).toEqual([
      `${claim.metadata.name}-credentials`,
      `${claim.metadata.name}-admin`,
    ]);
    expect(created[0].stringData.password).toBe('kept');
  });

  describe('YugabyteDB: the YSQL password YBA reads in `default`', () => {
    const claim = claimOf('yugabyte');
    const copy = {
      name: `${claim.metadata.namespace}.${claim.metadata.name}.ysql`,
      namespace: 'default',
    };

    it('is made first, and the tenant Secret carries the same password', async () => {
      const { objects, created } = fakeObjects();
      await ensureCredentials(objects, claim, new Set());
      const [made, credentials] = created;
      expect(made.metadata).toMatchObject(copy);
      // No owner across namespaces: the finalizer deletes it.
      expect(made.metadata).not.toHaveProperty('ownerReferences');
      expect(made.stringData.ysqlPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(credentials.metadata.namespace).toBe(claim.metadata.namespace);
      expect(credentials.stringData.password).toBe(
        made.stringData.ysqlPassword,
      );
      expect(credentials.stringData.ysqlPassword).toBe(
        made.stringData.ysqlPassword,
      );
    });

    it('keeps the password of a copy made before a restart', async () => {
      const { objects, created } = fakeObjects();
      created.push({ metadata: copy, stringData: { ysqlPassword: 'first' } });
      await ensureCredentials(objects, claim, new Set());
      expect(created).toHaveLength(2);
      expect(created[1].stringData.password).toBe('first');
    });

    it('is deleted with the claim, and gone already is fine', async () => {
      const { objects, created } = fakeObjects();
      await ensureCredentials(objects, claim, new Set());
      await deleteYsqlPasswordCopy(objects, claim);
      expect(created.map(o => o.metadata.namespace)).toEqual([
        claim.metadata.namespace,
      ]);
      await expect(
        deleteYsqlPasswordCopy(objects, claim),
      ).resolves.toBeUndefined();
    });
  });
});
