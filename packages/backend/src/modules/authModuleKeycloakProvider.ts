import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  oidcAuthenticator,
  oidcSignInResolvers,
} from '@backstage/plugin-auth-backend-module-oidc-provider';
import {
  authProvidersExtensionPoint,
  createOAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { readKeycloakSignInOptions } from './keycloakSignInOptions';
import { createKeycloakSignInResolvers } from './keycloakSignInResolvers';

/**
 * The `oidc` auth provider of the OIDC module, with resolvers that match
 * Keycloak users of the organization sources by their immutable id or
 * (opt-in, `auth.keycloak.usernameFallback`) username as well as by email.
 */
export const authModuleKeycloakProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'keycloak-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        config: coreServices.rootConfig,
        providers: authProvidersExtensionPoint,
      },
      async init({ config, providers }) {
        const keycloak = createKeycloakSignInResolvers(
          readKeycloakSignInOptions(config),
        );
        providers.registerProvider({
          providerId: 'oidc',
          factory: createOAuthProviderFactory({
            authenticator: oidcAuthenticator,
            signInResolverFactories: {
              ...oidcSignInResolvers,
              keycloakSubjectMatchingUserEntityAnnotation:
                keycloak.subjectMatchingUserEntityAnnotation,
              keycloakUsernameMatchingUserEntityName:
                keycloak.usernameMatchingUserEntityName,
            },
          }),
        });
      },
    });
  },
});
