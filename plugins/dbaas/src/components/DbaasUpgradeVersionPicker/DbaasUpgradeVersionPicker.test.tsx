import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import {
  catalog,
  dbaasApi,
  orders,
} from '../DbaasDatabaseSettings/__testUtils__/pickedDatabaseFixtures';
import { DbaasUpgradeVersionPicker } from './DbaasUpgradeVersionPicker';

function renderPicker(database: string | undefined, service = orders) {
  const changes: (string | undefined)[] = [];
  const Form = () => {
    const [value, setValue] = useState<string | undefined>();
    const props = {
      formData: value,
      onChange: (next: string | undefined) => {
        changes.push(next);
        setValue(next);
      },
      uiSchema: { 'ui:options': { databaseField: 'database' } },
      formContext: { formData: { database } },
      schema: { title: 'Upgrade to' },
      idSchema: { $id: 'root_version' },
      rawErrors: [],
      required: true,
    };
    return <DbaasUpgradeVersionPicker {...(props as any)} />;
  };
  return {
    changes,
    rendered: renderInTestApp(
      <TestApiProvider
        apis={[
          [dbaasApiRef, { ...dbaasApi, getService: async () => service }],
          [catalogApiRef, catalog()],
        ]}
      >
        <Form />
      </TestApiProvider>,
    ),
  };
}

describe('DbaasUpgradeVersionPicker', () => {
  it('offers only the upgrades the engine allows from the current version', async () => {
    const { changes, rendered } = renderPicker(
      'resource:default/payments.orders',
    );
    await rendered;

    const select = await screen.findByLabelText(/Upgrade to/);
    const offered = within(select)
      .getAllByRole('option')
      .map(option => option.textContent)
      .filter(Boolean);
    expect(offered).toEqual(['17']);
    expect(screen.getByText('orders runs PostgreSQL 16.')).toBeInTheDocument();

    await userEvent.selectOptions(select, '17');
    expect(changes).toEqual(['17']);
  });

  it('offers nothing on the newest version, and says so', async () => {
    await renderPicker('resource:default/payments.orders', {
      ...orders,
      config: { ...orders.config, version: '17' },
    } as ServiceDetails).rendered;

    expect(
      await screen.findByText(
        'orders runs PostgreSQL 17; its engine offers no upgrade from it now.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByLabelText(/Upgrade to/)).toBeDisabled();
  });

  it('waits for a database to be picked', async () => {
    await renderPicker(undefined).rendered;
    expect(screen.getByText('Pick a database first.')).toBeInTheDocument();
    expect(screen.getByLabelText(/Upgrade to/)).toBeDisabled();
  });
});
