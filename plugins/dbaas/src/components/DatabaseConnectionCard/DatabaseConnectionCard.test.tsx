import { screen, within } from '@testing-library/react';
import {
  apiError,
  databaseEntity,
  renderDatabasePage,
  serviceDetails,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseConnectionCard } from './DatabaseConnectionCard';

const rowOf = (header: string) =>
  screen.getByRole('rowheader', { name: header }).closest('tr')!;

describe('DatabaseConnectionCard', () => {
  it('shows each connection detail with a button copying it', async () => {
    renderDatabasePage(<DatabaseConnectionCard />, {
      api: { getService: async () => serviceDetails() },
    });

    await screen.findByRole('table', { name: 'Connection details' });
    for (const [header, value, button] of [
      [
        'Host',
        'orders.tenant-checkout.svc.frankfurt.dbaas.example',
        'Copy host',
      ],
      ['Port', '5432', 'Copy port'],
      ['Database', 'orders', 'Copy database name'],
      ['Username', 'orders_app', 'Copy username'],
      ['Password', 'orders-app-credentials', 'Copy Secret name'],
    ]) {
      const row = rowOf(header);
      expect(within(row).getByText(value)).toBeInTheDocument();
      expect(
        within(row).getByRole('button', { name: button }),
      ).toBeInTheDocument();
    }
    expect(rowOf('Password')).toHaveTextContent(
      'key password, namespace tenant-checkout',
    );

    const endpoints = screen.getByRole('table', { name: 'Endpoints' });
    expect(
      within(endpoints).getByText(
        'postgresql://orders-rw.frankfurt.dbaas.example:5432',
      ),
    ).toBeInTheDocument();
    expect(
      within(endpoints).getByRole('button', { name: 'Copy primary endpoint' }),
    ).toBeInTheDocument();
  });

  it('never shows a password, even one the API should not have sent', async () => {
    const details = serviceDetails();
    // A backend bug that leaked the password must not reach the page.
    (details.connection as Record<string, unknown>).password = 'hunter2-leaked';
    renderDatabasePage(<DatabaseConnectionCard />, {
      api: { getService: async () => details },
    });

    await screen.findByRole('table', { name: 'Connection details' });
    expect(document.body).not.toHaveTextContent('hunter2-leaked');
    expect(document.body.innerHTML).not.toContain('hunter2-leaked');
  });

  it('says when the database has no connection details yet', async () => {
    renderDatabasePage(<DatabaseConnectionCard />, {
      api: {
        getService: async () =>
          serviceDetails({
            status: 'provisioning',
            connection: null,
            endpoints: [],
          }),
      },
    });

    expect(
      await screen.findByText(
        'Connection details appear once the database is active.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /Copy/ }),
    ).not.toBeInTheDocument();
  });

  it('shows progress while the database loads', async () => {
    renderDatabasePage(<DatabaseConnectionCard />, {
      api: { getService: () => new Promise(() => {}) },
    });

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows what the API said when the database cannot be read', async () => {
    const error = await apiError(
      404,
      'NOT_FOUND',
      'No database 6f1c2a4e in your tenants',
    );
    renderDatabasePage(<DatabaseConnectionCard />, {
      api: {
        getService: async () => {
          throw error;
        },
      },
    });

    expect(
      await screen.findByText('No database 6f1c2a4e in your tenants'),
    ).toBeInTheDocument();
  });

  it('says which annotation is missing instead of loading anything', async () => {
    const getService = jest.fn();
    renderDatabasePage(<DatabaseConnectionCard />, {
      api: { getService },
      entity: databaseEntity({ annotations: {} }),
    });

    expect(await screen.findByText('dbaas.io/service-id')).toBeInTheDocument();
    expect(getService).not.toHaveBeenCalled();
  });
});
