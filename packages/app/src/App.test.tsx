import { screen } from '@testing-library/react';
import { renderAppWithConfig } from './__testUtils__/renderAppWithConfig';

// Rendering the whole app in jsdom takes several seconds on two cores.
jest.setTimeout(30_000);

describe('App with the embedded defaults', () => {
  it('offers guest sign-in and not Keycloak', async () => {
    renderAppWithConfig({ signIn: { providers: ['guest'] } });

    expect(
      await screen.findByRole('button', { name: 'Enter' }, { timeout: 20_000 }),
    ).toBeInTheDocument();
    expect(screen.queryByText('Keycloak')).not.toBeInTheDocument();
  });
});
