import { databaseEntityPath } from './databaseEntityPath';
import { serviceEntityName } from '../gitops/serviceEntityName';

describe('databaseEntityPath', () => {
  it('is the catalog page of the database\u2019s entity, or one of its tabs', () => {
    expect(databaseEntityPath('group:default/payments', 'orders')).toBe(
      '/catalog/default/resource/payments.orders',
    );
    expect(databaseEntityPath('group:default/payments', 'orders', 'cdc')).toBe(
      '/catalog/default/resource/payments.orders/cdc',
    );
  });

  it('names the entity as the catalog module does when the pair is too long for a name', () => {
    const tenant = `group:default/${'platform-engineering-'.repeat(3)}eu`;
    const { name } = serviceEntityName(tenant, 'orders');
    expect(databaseEntityPath(tenant, 'orders', 'backups')).toBe(
      `/catalog/default/resource/${name}/backups`,
    );
  });
});
