import { OAuth2 } from '@backstage/core-app-api';
import {
  SignInPage,
  type SignInProviderConfig,
} from '@backstage/core-components';
import {
  ApiBlueprint,
  configApiRef,
  createFrontendModule,
  discoveryApiRef,
  oauthRequestApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import {
  SignInPageBlueprint,
  type SignInPageProps,
} from '@backstage/plugin-app-react';
import { keycloakAuthApiRef } from './keycloakAuthApiRef';

const keycloakProvider: SignInProviderConfig = {
  id: 'keycloak-auth-provider',
  title: 'Keycloak',
  message: 'Sign in with your company account',
  apiRef: keycloakAuthApiRef,
};

const keycloakAuthApi = ApiBlueprint.make({
  name: 'keycloak',
  params: defineParams =>
    defineParams({
      api: keycloakAuthApiRef,
      deps: {
        configApi: configApiRef,
        discoveryApi: discoveryApiRef,
        oauthRequestApi: oauthRequestApiRef,
      },
      factory: ({ configApi, discoveryApi, oauthRequestApi }) =>
        OAuth2.create({
          configApi,
          discoveryApi,
          oauthRequestApi,
          provider: { id: 'oidc', title: 'Keycloak', icon: () => null },
          environment: configApi.getOptionalString('auth.environment'),
          defaultScopes: ['openid', 'profile', 'email'],
        }),
    }),
});

/**
 * Offers the sign-in methods that `app.signIn.providers` lists: guest for the
 * embedded defaults, Keycloak in production.
 */
const ConfiguredSignInPage = (props: SignInPageProps) => {
  const configApi = useApi(configApiRef);
  const names = configApi.getOptionalStringArray('app.signIn.providers') ?? [
    'guest',
  ];
  const providers = names.map(name =>
    name === 'keycloak' ? keycloakProvider : ('guest' as const),
  );
  return <SignInPage {...props} providers={providers} />;
};

const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => ConfiguredSignInPage,
  },
});

export const authModule = createFrontendModule({
  pluginId: 'app',
  extensions: [keycloakAuthApi, signInPage],
});
