import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import type { ApiClient } from '@internal/backstage-plugin-dbaas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { apiError } from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { ApiClientsButton } from './ApiClientsDialog';

const ci: ApiClient = {
  subject: 'external:keycloak:4f1c2d3e-0000-4000-8000-000000000001',
  owner: 'user:default/ada',
  description: 'payments CI: migrations',
  createdAt: '2026-12-04T10:00:00.000Z',
  lastUsedAt: '2026-12-04T11:00:00.000Z',
};

function render(api: Partial<DbaasApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[dbaasApiRef, api as DbaasApi]]}>
      <ApiClientsButton />
    </TestApiProvider>,
  );
}

async function open() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'API clients' }),
  );
  return screen.findByRole('dialog', { name: 'API clients' });
}

describe('ApiClientsDialog', () => {
  it("lists the user's clients and removes one", async () => {
    let clients = [ci];
    const removeApiClient = jest.fn(async (subject: string) => {
      clients = clients.filter(c => c.subject !== subject);
    });
    await render({
      listApiClients: async () => ({ data: clients }),
      removeApiClient,
    });
    const dialog = await open();
    const table = await within(dialog).findByRole('table', {
      name: 'Your API clients',
    });
    expect(within(table).getByText(ci.subject)).toBeInTheDocument();
    expect(within(table).getByText(ci.description)).toBeInTheDocument();

    await userEvent.click(
      within(table).getByRole('button', {
        name: 'Remove payments CI: migrations',
      }),
    );
    expect(removeApiClient).toHaveBeenCalledWith(ci.subject);
    expect(
      await within(dialog).findByText('No API client acts for you.'),
    ).toBeInTheDocument();
  });

  it('registers a client by a token of it, and says why one is refused', async () => {
    const registerApiClient = jest
      .fn()
      .mockRejectedValueOnce(
        await apiError(
          409,
          'CONFLICT',
          `${ci.subject} acts for another user already`,
        ),
      )
      .mockResolvedValueOnce(ci);
    await render({
      listApiClients: async () => ({ data: [] }),
      registerApiClient,
    });
    const dialog = await open();
    const submit = within(dialog).getByRole('button', { name: 'Register' });
    // Nothing to register without a description and a token.
    expect(submit).toBeDisabled();
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Description' }),
      'payments CI: migrations',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', {
        name: 'Access token of the client',
      }),
      'eyJhbGciOiJSUzI1NiJ9.payload.signature',
    );
    await userEvent.click(submit);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'acts for another user already',
    );
    // The input stays for another try.
    await userEvent.click(submit);
    await waitFor(() =>
      expect(
        within(dialog).getByRole('textbox', {
          name: 'Access token of the client',
        }),
      ).toHaveValue(''),
    );
    expect(registerApiClient).toHaveBeenLastCalledWith({
      token: 'eyJhbGciOiJSUzI1NiJ9.payload.signature',
      description: 'payments CI: migrations',
    });
    expect(within(dialog).queryByRole('alert')).toBeNull();
  });
});
