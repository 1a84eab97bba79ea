export interface Config {
  auth?: {
    /** The Keycloak sign-in (packages/backend/src/modules). */
    keycloak?: {
      /**
       * Whether the `keycloakUsernameMatchingUserEntityName` sign-in resolver
       * may be listed in `auth.providers.oidc.<env>.signIn.resolvers`: it
       * signs a Keycloak user in as the user entity of the organization
       * sources named after their Keycloak username, when no user carries
       * their immutable id (`keycloak.org/id`). Off by default, and the
       * backend refuses to start with the resolver listed while it is off: a
       * username can pass to another account once its holder's is deleted,
       * so only turn it on while migrating users that lack the annotation.
       * A user entity that carries a Keycloak id is never matched by name to
       * another id.
       */
      usernameFallback?: boolean;
    };
  };
}
