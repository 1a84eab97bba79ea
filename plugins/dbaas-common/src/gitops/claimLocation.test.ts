import { tenantSlug } from '../tenancy/roles';
import { claimFilePath, tenantNamespace } from './claimLocation';

describe('claim locations', () => {
  it('puts a claim under its tenant, in a namespace named after it', () => {
    expect(claimFilePath('group:default/payments', 'orders')).toBe(
      'tenants/payments/orders.yaml',
    );
    expect(tenantNamespace('group:default/payments')).toBe('tenant-payments');
    expect(tenantNamespace('group:retail/Web_Shop')).toBe(
      'tenant-retail-web-shop',
    );
  });

  it('refuses names that could leave the tenant folder', () => {
    for (const name of ['../x', 'a/b', '', 'Orders', 'x.yaml']) {
      expect(() => claimFilePath('group:default/payments', name)).toThrow(
        `Not a database name: ${name}`,
      );
    }
  });

  it('gives folder, namespace and topic one slug, a DNS label of 56 at most', () => {
    const long = `group:default/${'a'.repeat(70)}`;
    expect(tenantSlug(long)).toBe('a'.repeat(56));
    expect(tenantNamespace(long)).toHaveLength(63);
    expect(claimFilePath(long, 'orders')).toBe(
      `tenants/${'a'.repeat(56)}/orders.yaml`,
    );
    expect(tenantSlug('group:retail/Web_Shop')).toBe('retail-web-shop');
  });

  it('is not one-to-one, which is why the backend records who holds a slug', () => {
    const slugs = [
      'group:default/data-platform',
      'group:data/platform',
      'group:default/data.platform',
      'group:default/data_platform',
    ].map(tenantSlug);
    expect(new Set(slugs)).toEqual(new Set(['data-platform']));
  });
});
