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
    expect(catalog.getEntities).toHaveBeenCalledTimes(2);
  });
});
