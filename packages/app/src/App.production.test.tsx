import { screen } from '@testing-library/react';
import { renderAppWithConfig } from './__testUtils__/renderAppWithConfig';

jest.setTimeout(30_000);

describe('App with the production sign-in', () => {
  it('offers Keycloak and not guest sign-in', async () => {
    renderAppWithConfig({ signIn: { providers: ['keycloak'] } });

    expect(
      await screen.findByText('Sign in with your company account', undefined, {
        timeout: 20_000,
      }),
    ).toBeInTheDocument();
    expect(screen.getByText('Keycloak')).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Enter' }),
    ).not.toBeInTheDocument();
  });
});
