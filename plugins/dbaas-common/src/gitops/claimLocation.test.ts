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
});
