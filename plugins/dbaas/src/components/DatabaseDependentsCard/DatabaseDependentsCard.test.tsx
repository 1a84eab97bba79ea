import { screen, within } from '@testing-library/react';
import {
  databaseEntity,
  renderDatabasePage,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseDependentsCard } from './DatabaseDependentsCard';

describe('DatabaseDependentsCard', () => {
  it('links each app that depends on the database', async () => {
    renderDatabasePage(<DatabaseDependentsCard />, {
      api: {},
      entity: databaseEntity({
        relations: [
          { type: 'dependencyOf', targetRef: 'component:default/checkout-web' },
          { type: 'dependencyOf', targetRef: 'component:payments/ledger' },
          // Other relations are not dependents.
          { type: 'ownedBy', targetRef: 'group:default/checkout' },
        ],
      }),
    });

    const list = await screen.findByRole('list', {
      name: 'Apps that depend on this database',
    });
    const links = within(list).getAllByRole('link');
    expect(links.map(link => link.getAttribute('href'))).toEqual([
      '/catalog/default/component/checkout-web',
      '/catalog/payments/component/ledger',
    ]);
    expect(links[0]).toHaveTextContent('checkout-web');
  });

  it('tells how an app declares that it uses the database when none does', async () => {
    renderDatabasePage(<DatabaseDependentsCard />, { api: {} });

    expect(
      await screen.findByText(/No app says it depends on this database yet/),
    ).toHaveTextContent('spec.dependsOn as resource:default/checkout.orders');
  });
});
