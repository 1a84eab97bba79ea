import type { EngineId } from '@internal/backstage-plugin-dbaas-common';
import type { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import { claimCases, claimFrom } from '../render/__testUtils__/skuClaims';
import { ensureCredentials } from './ensureCredentials';

type Created = {
  metadata: { name: string };
  stringData: Record<string, string>;
};

/** An ObjectApi that records creates, answering 409 for names it has seen. */
function fakeObjects() {
  const created: Created[] = [];
  const objects = {
    create: jest.fn(async (object: Created) => {
      if (created.some(o => o.metadata.name === object.metadata.name)) {
        throw Object.assign(new Error('conflict'), { code: 409 });
      }
      created.push(object);
      return object;
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
    ['yugabyte', ['-credentials']],
    ['vitess', ['-credentials']],
    ['mongodb', ['-credentials']],
    ['dragonfly', ['-credentials']],
    ['postgresql', []],
  ] as const)(
    'creates the Secrets a %s claim needs',
    async (engine, suffixes) => {
      const claim = claimOf(engine);
      const { objects, created } = fakeObjects();
      await ensureCredentials(objects, claim, new Set());
      expect(created.map(s => s.metadata.name)).toEqual(
        suffixes.map(suffix => `${claim.metadata.name}${suffix}`),
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
      metadata: { name: `${claim.metadata.name}-credentials` },
      stringData: { password: 'kept' },
    });
    await ensureCredentials(objects, claim, new Set());
    expect(created.map(s => s.metadata.name)).toEqual([
      `${claim.metadata.name}-credentials`,
      `${claim.metadata.name}-admin`,
    ]);
    expect(created[0].stringData.password).toBe('kept');
  });
});
