import type { Config } from '@backstage/config';
import path from 'node:path';

/** What the Keycloak sign-in resolvers trust, from the backend's config. */
export type KeycloakSignInOptions = {
  /**
   * The organization sources: `backstage.io/managed-by-origin-location`
   * values of the user entities a sign-in may resolve to.
   */
  trustedOrigins: string[];
  /**
   * The organization sources that are Keycloak realms
   * (`catalog.providers.keycloakOrg`): the origin of each user the Keycloak
   * module makes is one of these followed by the user's Keycloak id.
   */
  keycloakUserOrigins: string[];
  /** Whether matching the Keycloak username is allowed (opt-in). */
  usernameFallback: boolean;
};

/**
 * The organization sources are the `catalog.locations` whose rules allow the
 * User kind: the catalog accepts users from nowhere else, and each entity it
 * reads from them carries the location as its origin (`file:` with the target
 * resolved from the working directory, as the catalog resolves it, or
 * `url:` and the target; the catalog overwrites whatever an entity file says
 * there). Deriving them from the catalog's own config keeps the two from
 * drifting apart. The Keycloak realms of `catalog.providers.keycloakOrg` are
 * organization sources too. A user from anywhere else, say one a future rule
 * or provider let in, never signs anyone in.
 */
export function readKeycloakSignInOptions(
  config: Config,
): KeycloakSignInOptions {
  const trustedOrigins = (
    config.getOptionalConfigArray('catalog.locations') ?? []
  )
    .filter(location =>
      (location.getOptionalConfigArray('rules') ?? []).some(rule =>
        rule
          .getStringArray('allow')
          .some(kind => kind.toLocaleLowerCase('en-US') === 'user'),
      ),
    )
    .map(location => {
      const type = location.getString('type');
      const target = location.getString('target');
      return type === 'file'
        ? `file:${path.resolve(target)}`
        : `${type}:${target}`;
    });
  // The community module sets each entity's origin itself (the catalog does
  // not for entity providers) as the user's URL in the admin API.
  const providers = config.getOptionalConfig('catalog.providers.keycloakOrg');
  const keycloakUserOrigins = (providers?.keys() ?? []).map(id => {
    const provider = providers!.getConfig(id);
    const realm = provider.getOptionalString('realm') ?? 'master';
    return `url:${provider.getString('baseUrl')}/admin/realms/${realm}/users/`;
  });
  return {
    trustedOrigins,
    keycloakUserOrigins,
    usernameFallback:
      config.getOptionalBoolean('auth.keycloak.usernameFallback') ?? false,
  };
}
