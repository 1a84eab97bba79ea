import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  oidcAuthenticator,
  oidcSignInResolvers,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { keycloakSignInResolvers } from './keycloakSignInResolvers';

/**
 * The `oidc` auth provider of the OIDC module, with resolvers that match
 * Keycloak users by their immutable id or username as well as by email.
 */
export const authModuleKeycloakProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'keycloak-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolverFactories: {
              ...oidcSignInResolvers,
              keycloakSubjectMatchingUserEntityAnnotation:
                keycloakSignInResolvers.subjectMatchingUserEntityAnnotation,
              keycloakUsernameMatchingUserEntityName:
                keycloakSignInResolvers.usernameMatchingUserEntityName,
            },
          }),
        });
      },
    });
  },
});
