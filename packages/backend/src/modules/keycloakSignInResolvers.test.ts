import type { AuthResolverContext } from '@backstage/plugin-auth-node';
import { keycloakSignInResolvers } from './keycloakSignInResolvers';

function infoFor(userinfo: Record<string, string>) {
  return {
    profile: {},
    result: {
      fullProfile: { userinfo, tokenset: {} },
      session: {},
    },
  } as any;
}

function context() {
  return {
    signInWithCatalogUser: jest.fn(async () => ({ token: 'backstage-token' })),
  } as unknown as jest.Mocked<AuthResolverContext>;
}

describe('keycloakSignInResolvers', () => {
  it('finds the user by the immutable subject, not by email', async () => {
    const ctx = context();
    const resolve =
      keycloakSignInResolvers.subjectMatchingUserEntityAnnotation();
    await resolve(
      infoFor({
        sub: 'f3a4-11ee',
        email: 'ada@other.example',
        preferred_username: 'ada',
      }),
      ctx,
    );
    expect(ctx.signInWithCatalogUser).toHaveBeenCalledWith({
      annotations: { 'keycloak.org/id': 'f3a4-11ee' },
    });
  });

  it('finds the user by Keycloak username', async () => {
    const ctx = context();
    const resolve = keycloakSignInResolvers.usernameMatchingUserEntityName();
    await resolve(
      infoFor({ sub: 'f3a4-11ee', preferred_username: 'ada.lovelace' }),
      ctx,
    );
    expect(ctx.signInWithCatalogUser).toHaveBeenCalledWith({
      entityRef: { name: 'ada.lovelace' },
    });
  });

  it('refuses a token without a username rather than guessing from the email', async () => {
    const resolve = keycloakSignInResolvers.usernameMatchingUserEntityName();
    await expect(
      resolve(infoFor({ sub: 'x', email: 'ada@example.com' }), context()),
    ).rejects.toThrow('The Keycloak token carries no username');
  });
});
