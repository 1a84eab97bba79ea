import {
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  createSignInResolverFactory,
  type AuthResolverContext,
  type OAuthAuthenticatorResult,
  type SignInInfo,
} from '@backstage/plugin-auth-node';
import type { OidcAuthResult } from '@backstage/plugin-auth-backend-module-oidc-provider';
import type { KeycloakSignInOptions } from './keycloakSignInOptions';

/** Annotation carrying a user's immutable Keycloak id (the token's `sub`). */
export const KEYCLOAK_ID_ANNOTATION = 'keycloak.org/id';

type Info = SignInInfo<OAuthAuthenticatorResult<OidcAuthResult>>;

/**
 * Signs in as the one user of the organization sources that `filter` finds.
 *
 * Users from anywhere else are left out of the lookup, so a forged user (say
 * one carrying someone else's Keycloak id) can neither sign anyone in nor,
 * by making the match ambiguous, lock its victim out. Two users of the
 * organization sources that match are a refusal naming the cause, never a
 * guess; only those who edit the organization sources can cause it.
 */
async function signInAsTrustedUser(
  ctx: AuthResolverContext,
  options: KeycloakSignInOptions,
  subject: string | undefined,
  filter: Record<string, string>,
  what: string,
  check?: (entity: Entity) => void,
) {
  // A user of a Keycloak realm source is trusted only as the account whose id
  // its origin names: the one signing in.
  const trustedOrigins = [
    ...options.trustedOrigins,
    ...(subject
      ? options.keycloakUserOrigins.map(prefix => `${prefix}${subject}`)
      : []),
  ];
  if (
    options.trustedOrigins.length === 0 &&
    options.keycloakUserOrigins.length === 0
  ) {
    throw new NotFoundError(
      'No organization source is configured: no catalog.locations entry has rules that allow User, and no catalog.providers.keycloakOrg',
    );
  }
  let entity: Entity;
  try {
    ({ entity } = await ctx.findCatalogUser({
      filter: {
        kind: 'user',
        ...filter,
        [`metadata.annotations.${ANNOTATION_ORIGIN_LOCATION}`]: trustedOrigins,
      },
    }));
  } catch (error) {
    // As the auth backend's lookup reports them: several users, or none.
    const name = (error as { name?: string } | undefined)?.name;
    if (name === 'ConflictError') {
      throw new ConflictError(
        `Sign-in refused: more than one user of the organization sources ${what}. A platform admin must remove the duplicate from the catalog.`,
      );
    }
    if (name === 'NotFoundError') {
      throw new NotFoundError(`No user of the organization sources ${what}`);
    }
    throw error;
  }
  // The catalog's filters ignore case; the origin must match exactly.
  const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
  if (!origin || !trustedOrigins.includes(origin)) {
    throw new NotFoundError(`No user of the organization sources ${what}`);
  }
  check?.(entity);
  // The entity found, not a second lookup by its name, decides who signs in.
  const { ownershipEntityRefs } = await ctx.resolveOwnershipEntityRefs(entity);
  return ctx.issueToken({
    claims: { sub: stringifyEntityRef(entity), ent: ownershipEntityRefs },
  });
}

/**
 * Sign-in resolvers for Keycloak. Unlike the email-local-part resolver they
 * never let two accounts with the same mailbox name on different domains
 * become the same Backstage user, and they only resolve to users of the
 * organization sources (see readKeycloakSignInOptions).
 */
export function createKeycloakSignInResolvers(options: KeycloakSignInOptions) {
  /** The user entity annotated with the token's immutable `sub`. */
  const subjectMatchingUserEntityAnnotation = createSignInResolverFactory({
    create() {
      return async (info: Info, ctx) => {
        const subject = info.result.fullProfile.userinfo.sub;
        if (!subject) {
          throw new Error('The Keycloak token carries no subject (sub)');
        }
        return signInAsTrustedUser(
          ctx,
          options,
          subject,
          { [`metadata.annotations.${KEYCLOAK_ID_ANNOTATION}`]: subject },
          `carries ${KEYCLOAK_ID_ANNOTATION}: ${subject}`,
        );
      };
    },
  });

  /**
   * The user entity named after the Keycloak username (`preferred_username`),
   * when `auth.keycloak.usernameFallback` is on. A Keycloak username can be
   * given to another account once its holder's is deleted, so a user whose
   * entity carries a Keycloak id is never matched by name to another id.
   */
  const usernameMatchingUserEntityName = createSignInResolverFactory({
    create() {
      if (!options.usernameFallback) {
        throw new Error(
          'The sign-in resolver keycloakUsernameMatchingUserEntityName is off: set auth.keycloak.usernameFallback to true to match users by their Keycloak username',
        );
      }
      return async (info: Info, ctx) => {
        const { sub, preferred_username: username } =
          info.result.fullProfile.userinfo;
        if (!username) {
          throw new Error(
            'The Keycloak token carries no username (preferred_username)',
          );
        }
        return signInAsTrustedUser(
          ctx,
          options,
          sub,
          { 'metadata.namespace': 'default', 'metadata.name': username },
          `is named ${username}`,
          entity => {
            const id = entity.metadata.annotations?.[KEYCLOAK_ID_ANNOTATION];
            if (id && id !== sub) {
              throw new NotAllowedError(
                `Sign-in refused: ${stringifyEntityRef(
                  entity,
                )} belongs to another Keycloak account (${KEYCLOAK_ID_ANNOTATION})`,
              );
            }
          },
        );
      };
    },
  });

  return {
    subjectMatchingUserEntityAnnotation,
    usernameMatchingUserEntityName,
  };
}
