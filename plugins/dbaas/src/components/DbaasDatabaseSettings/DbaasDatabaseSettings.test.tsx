import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { planName } from '@internal/backstage-plugin-dbaas-common';
import { screen, within } from '@testing-library/react';
import { dbaasApiRef } from '../../api/DbaasApi';
import {
  catalog,
  dbaasApi,
  pgSku,
} from './__testUtils__/pickedDatabaseFixtures';
import { DbaasDatabaseSettings } from './DbaasDatabaseSettings';

function renderSettings(database?: string) {
  const props = {
    formData: undefined,
    onChange: jest.fn(),
    uiSchema: { 'ui:options': {} },
    formContext: { formData: { database } },
    schema: { title: 'Current settings' },
    idSchema: { $id: 'root_current' },
    rawErrors: [],
  };
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [dbaasApiRef, dbaasApi],
        [catalogApiRef, catalog()],
      ]}
    >
      <DbaasDatabaseSettings {...(props as any)} />
    </TestApiProvider>,
  );
}

describe('DbaasDatabaseSettings', () => {
  it('asks for a database before one is picked', async () => {
    await renderSettings();
    expect(
      screen.getByText('Pick a database to see its current settings.'),
    ).toBeInTheDocument();
  });

  it('shows the picked database\u2019s engine, version, plan, size, storage and backups', async () => {
    await renderSettings('resource:default/payments.orders');

    const table = await screen.findByRole('table', {
      name: 'Current settings of orders',
    });
    const row = (label: string) =>
      within(table).getByRole('rowheader', { name: label }).closest('tr')!;
    // The decommission template asks for the name to be typed again.
    expect(row('Name')).toHaveTextContent('orders');
    expect(row('Engine')).toHaveTextContent('PostgreSQL');
    expect(row('Version')).toHaveTextContent('16');
    expect(row('Plan')).toHaveTextContent(planName(pgSku.plan));
    expect(row('Size')).toHaveTextContent(/instance: \d+ × \S+ CPU \/ \S+Gi/);
    expect(row('Storage')).toHaveTextContent('500Gi');
    expect(row('Backup schedule')).toHaveTextContent(
      'at 02:00 (0 2 * * *), kept 14d',
    );
  });

  it('shows what the API said of a database that is not the user\u2019s, whatever the catalog claims', async () => {
    await renderSettings('resource:default/ledger.books');

    expect(
      await screen.findByText(
        'Could not load resource:default/ledger.books: No database not-yours',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
