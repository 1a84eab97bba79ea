import {
  createSignInResolverFactory,
  type OAuthAuthenticatorResult,
  type SignInInfo,
} from '@backstage/plugin-auth-node';
import type { OidcAuthResult } from '@backstage/plugin-auth-backend-module-oidc-provider';

/** Annotation carrying a user's immutable Keycloak id (the token's `sub`). */
export const KEYCLOAK_ID_ANNOTATION = 'keycloak.org/id';

type Info = SignInInfo<OAuthAuthenticatorResult<OidcAuthResult>>;

/**
 * Sign-in resolvers for Keycloak. Unlike the email-local-part resolver they
 * never let two accounts with the same mailbox name on different domains
 * become the same Backstage user.
 */
export namespace keycloakSignInResolvers {
  /** The user entity annotated with the token's immutable `sub`. */
  export const subjectMatchingUserEntityAnnotation =
    createSignInResolverFactory({
      create() {
        return async (info: Info, ctx) => {
          const subject = info.result.fullProfile.userinfo.sub;
          if (!subject) {
            throw new Error('The Keycloak token carries no subject (sub)');
          }
          return ctx.signInWithCatalogUser({
            annotations: { [KEYCLOAK_ID_ANNOTATION]: subject },
          });
        };
      },
    });

  /** The user entity named after the Keycloak username (`preferred_username`). */
  export const usernameMatchingUserEntityName = createSignInResolverFactory({
    create() {
      return async (info: Info, ctx) => {
        const username = info.result.fullProfile.userinfo.preferred_username;
        if (!username) {
          throw new Error(
            'The Keycloak token carries no username (preferred_username)',
          );
        }
        return ctx.signInWithCatalogUser({ entityRef: { name: username } });
      };
    },
  });
}
