import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogTenantDirectory } from './CatalogTenantDirectory';

const group = (name: string, type: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', title: name.toUpperCase() },
  spec: { type, children: [], ...(parent ? { parent } : {}) },
});

/** Lets what the directory does behind a request (its catalog reads) run. */
const nextTurn = () => new Promise(resolve => setImmediate(resolve));

describe('CatalogTenantDirectory', () => {
  it('finds the organization of tenants at any depth, and ignores groups outside one', async () => {
    const directory = new CatalogTenantDirectory({
      catalog: catalogServiceMock({
        entities: [
          group('acme', 'organization'),
          group('payments', 'team', 'acme'),
          group('cards', 'team', 'payments'),
          group('loose', 'team'),
          // A broken hierarchy must not hang the directory.
          group('a', 'team', 'b'),
          group('b', 'team', 'a'),
        ],
      }),
      auth: mockServices.auth(),
    });

    expect(await directory.organizationOf('group:default/cards')).toBe(
      'group:default/acme',
    );
    expect(await directory.organizationOf('GROUP:default/Payments')).toBe(
      'group:default/acme',
    );
    expect(await directory.organizationOf('group:default/loose')).toBe(
      undefined,
    );
    expect(await directory.organizationOf('group:default/a')).toBe(undefined);
    expect(await directory.listOrganizations()).toEqual([
      {
        id: 'group:default/acme',
        title: 'ACME',
        tenants: [
          { id: 'group:default/cards', title: 'CARDS' },
          { id: 'group:default/payments', title: 'PAYMENTS' },
        ],
      },
    ]);
  });

  it('reads the catalog again once its snapshot is older than maxAgeMs', async () => {
    let now = 0;
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn(async () => ({
        items: [group('acme', 'organization')],
      })),
    });
    const directory = new CatalogTenantDirectory({
      catalog,
      auth: mockServices.auth(),
      maxAgeMs: 1000,
      now: () => now,
    });

    await directory.listOrganizations();
    await directory.listOrganizations();
    expect(catalog.getEntities).toHaveBeenCalledTimes(1);
    now = 1001;
    await directory.listOrganizations();
    // The stale snapshot answered at once; the catalog is read behind it.
    await nextTurn();
    expect(catalog.getEntities).toHaveBeenCalledTimes(2);
  });

  it('looks up a tenant with its own group and ancestors, never reading every group', async () => {
    const catalog = catalogServiceMock({
      entities: [
        group('acme', 'organization'),
        group('payments', 'team', 'acme'),
        group('cards', 'team', 'payments'),
        group('ledger', 'team', 'globex'),
      ],
    });
    const getEntities = jest.spyOn(catalog, 'getEntities');
    const getEntitiesByRefs = jest.spyOn(catalog, 'getEntitiesByRefs');
    const directory = new CatalogTenantDirectory({
      catalog,
      auth: mockServices.auth(),
    });

    // Asked together, as a permission check of several databases asks: one
    // request per level of the hierarchy, not one per tenant.
    expect(
      await Promise.all([
        directory.organizationOf('group:default/cards'),
        directory.organizationOf('group:default/payments'),
        directory.organizationOf('group:default/ledger'),
        directory.organizationOf('group:default/nobody'),
      ]),
    ).toEqual([
      'group:default/acme',
      'group:default/acme',
      undefined,
      undefined,
    ]);
    expect(getEntities).not.toHaveBeenCalled();
    expect(getEntitiesByRefs.mock.calls.map(([r]) => r.entityRefs)).toEqual([
      [
        'group:default/cards',
        'group:default/payments',
        'group:default/ledger',
        'group:default/nobody',
      ],
      ['group:default/acme', 'group:default/globex'],
    ]);
  });

  it('answers from the last read while the catalog is slow or failing, and logs the failure', async () => {
    let now = 0;
    let groups = [
      group('acme', 'organization'),
      group('payments', 'team', 'acme'),
    ];
    let fail = false;
    let release = () => {};
    const catalog = catalogServiceMock.mock({
      getEntities: jest.fn(async () => {
        if (fail) throw new Error('catalog down');
        return { items: groups };
      }),
      getEntitiesByRefs: jest.fn(async ({ entityRefs }) => {
        // Held until released: a slow catalog.
        await new Promise<void>(resolve => {
          release = resolve;
        });
        if (fail) throw new Error('catalog down');
        const byRef = new Map(
          groups.map(g => [`group:default/${g.metadata.name}`, g]),
        );
        return { items: entityRefs.map(ref => byRef.get(ref)) };
      }),
    });
    const logger = mockServices.logger.mock();
    const directory = new CatalogTenantDirectory({
      catalog,
      auth: mockServices.auth(),
      maxAgeMs: 1000,
      now: () => now,
      logger,
    });
    const payments = directory.organizationOf('group:default/payments');
    await nextTurn();
    release();
    await nextTurn();
    release();
    expect(await payments).toBe('group:default/acme');
    expect((await directory.listOrganizations()).map(o => o.id)).toEqual([
      'group:default/acme',
    ]);

    // Moved to another organization: stale answers until the slow read is done.
    groups = [
      group('globex', 'organization'),
      group('payments', 'team', 'globex'),
    ];
    now = 1001;
    expect(await directory.organizationOf('group:default/payments')).toBe(
      'group:default/acme',
    );
    await nextTurn();
    expect(await directory.organizationOf('group:default/payments')).toBe(
      'group:default/acme',
    );
    release();
    await nextTurn();
    release();
    await nextTurn();
    expect(await directory.organizationOf('group:default/payments')).toBe(
      'group:default/globex',
    );

    // A failing catalog: the last good snapshot stays, and the failure is logged.
    fail = true;
    now = 2002;
    expect((await directory.listOrganizations()).map(o => o.id)).toEqual([
      'group:default/acme',
    ]);
    await nextTurn();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not read organizations from the catalog; using the last read',
      expect.objectContaining({ message: 'catalog down' }),
    );
    expect((await directory.listOrganizations()).map(o => o.id)).toEqual([
      'group:default/acme',
    ]);
  });
});
