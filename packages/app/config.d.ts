export interface Config {
  app?: {
    signIn?: {
      /**
       * Sign-in methods offered on the sign-in page, in order: `guest` for local
       * development, `keycloak` for the backend's `oidc` provider.
       * @visibility frontend
       */
      providers?: Array<'guest' | 'keycloak'>;
    };
  };
}
