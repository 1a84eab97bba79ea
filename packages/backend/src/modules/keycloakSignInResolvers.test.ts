import { mockCredentials } from '@backstage/backend-test-utils';
import {
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  AuthResolverCatalogUserQuery,
  AuthResolverContext,
} from '@backstage/plugin-auth-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createKeycloakSignInResolvers } from './keycloakSignInResolvers';

const ORG = 'file:/srv/portal/catalog/all.yaml';
// Users the Keycloak catalog module makes carry this followed by their id.
const REALM_USERS = 'url:https://sso.example/admin/realms/dbaas/users/';
const ATTACKER = 'url:https://attacker.example/impostor.yaml';

const ADA_ID = '4212c3ce-80f1-4efa-9119-573600c5880d';
const KWAME_ID = '3a8f1de0-07a3-443e-9a52-da455279c03d';
const LENA_ID = 'f380cd78-a687-4c38-9675-9548250c9732';
const NIA_ID = '9d1c3f7e-2b51-4a34-8f1e-5c0e8a7d6b21';
const OMAR_ID = '0b8e2f4a-6c3d-4e1f-9a7b-3d2c1e0f5a69';

function user(
  name: string,
  origin: string,
  memberOf: string[],
  keycloakId?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [ANNOTATION_ORIGIN_LOCATION]: origin,
        ...(keycloakId ? { 'keycloak.org/id': keycloakId } : {}),
      },
    },
    spec: { memberOf },
  };
}

const USERS = [
  user('ada', ORG, ['payments'], ADA_ID),
  // Registered from somewhere else with ada's id, as a platform admin.
  user('impostor', ATTACKER, ['platform'], ADA_ID),
  user('lena', ORG, ['platform'], LENA_ID),
  // Two users of the organization sources with one id: a mistake in the
  // organization data, which only its editors can make.
  user('kwame', ORG, ['checkout'], KWAME_ID),
  user('kwame-old', ORG, ['checkout'], KWAME_ID),
  // An origin that only differs in case from the organization's.
  user('shouting', ORG.toUpperCase(), ['platform'], 'shouting-id'),
  // Users without a Keycloak id, as before the annotation was introduced.
  user('legacy', ORG, ['payments']),
  user('outsider', ATTACKER, ['platform']),
  // From the Keycloak realm (catalog.providers.keycloakOrg).
  user('nia', `${REALM_USERS}${NIA_ID}`, ['payments'], NIA_ID),
  // A realm user whose entity claims another account's id: its origin names
  // its own, so it signs in neither as omar nor as itself with his id.
  user('mallory', `${REALM_USERS}${NIA_ID}`, ['platform'], OMAR_ID),
];

/**
 * The auth backend's resolver context (CatalogAuthResolverContext) on an
 * in-memory catalog: a lookup that finds several users is a ConflictError and
 * one that finds none a NotFoundError; the token carries the user's ref and
 * their groups.
 */
function context(entities: Entity[] = USERS): AuthResolverContext {
  const catalog = catalogServiceMock({ entities });
  const credentials = mockCredentials.service();
  return {
    async findCatalogUser(query: AuthResolverCatalogUserQuery) {
      if (!('filter' in query)) {
        throw new Error('The resolvers look users up by filter');
      }
      const { items } = await catalog.getEntities(
        { filter: query.filter },
        { credentials },
      );
      if (items.length > 1) {
        throw new ConflictError('User lookup resulted in multiple matches');
      }
      if (items.length === 0) {
        throw new NotFoundError('User not found');
      }
      return { entity: items[0] };
    },
    async resolveOwnershipEntityRefs(entity: Entity) {
      const groups = (entity.spec?.memberOf as string[]).map(
        group => `group:default/${group}`,
      );
      return {
        ownershipEntityRefs: [stringifyEntityRef(entity), ...groups],
      };
    },
    async issueToken(params) {
      return { token: JSON.stringify(params.claims) };
    },
    async signInWithCatalogUser() {
      throw new Error('The resolvers issue the token of the user they found');
    },
  } as AuthResolverContext;
}

function infoFor(userinfo: Record<string, string>) {
  return {
    profile: {},
    result: {
      fullProfile: { userinfo, tokenset: {} },
      session: {},
    },
  } as any;
}

const claimsOf = (result: { token: string }) => JSON.parse(result.token);

const resolvers = (usernameFallback = false) =>
  createKeycloakSignInResolvers({
    trustedOrigins: [ORG],
    keycloakUserOrigins: [REALM_USERS],
    usernameFallback,
  });

describe('keycloakSignInResolvers', () => {
  describe('by Keycloak id (keycloakSubjectMatchingUserEntityAnnotation)', () => {
    const resolve = resolvers().subjectMatchingUserEntityAnnotation();

    it('signs the real user in, ignoring a user from elsewhere that carries their id', async () => {
      const claims = claimsOf(
        await resolve(
          infoFor({
            sub: ADA_ID,
            email: 'ada@other.example',
            preferred_username: 'impostor',
          }),
          context(),
        ),
      );
      expect(claims).toEqual({
        sub: 'user:default/ada',
        ent: ['user:default/ada', 'group:default/payments'],
      });
    });

    it('signs nobody in as a user from elsewhere', async () => {
      const onlyForged = USERS.filter(u => u.metadata.name !== 'ada');
      await expect(
        resolve(infoFor({ sub: ADA_ID }), context(onlyForged)),
      ).rejects.toThrow(
        new NotFoundError(
          `No user of the organization sources carries keycloak.org/id: ${ADA_ID}`,
        ),
      );
    });

    it('signs a user of the Keycloak realm source in, only as the account its origin names', async () => {
      expect(
        claimsOf(await resolve(infoFor({ sub: NIA_ID }), context())),
      ).toEqual({
        sub: 'user:default/nia',
        ent: ['user:default/nia', 'group:default/payments'],
      });
      await expect(
        resolve(infoFor({ sub: OMAR_ID }), context()),
      ).rejects.toThrow(NotFoundError);
      // Only the realm's users: a location's user with that origin prefix is
      // not a realm user of that id.
      await expect(
        createKeycloakSignInResolvers({
          trustedOrigins: [ORG],
          keycloakUserOrigins: [],
          usernameFallback: false,
        }).subjectMatchingUserEntityAnnotation()(
          infoFor({ sub: NIA_ID }),
          context(),
        ),
      ).rejects.toThrow(NotFoundError);
    });

    it('trusts an origin only as configured, not in another case', async () => {
      await expect(
        resolve(infoFor({ sub: 'shouting-id' }), context()),
      ).rejects.toThrow(NotFoundError);
    });

    it('refuses an ambiguous match with a clear message, and only that one', async () => {
      const refusal = resolve(infoFor({ sub: KWAME_ID }), context());
      await expect(refusal).rejects.toThrow(ConflictError);
      await expect(refusal).rejects.toThrow(
        `Sign-in refused: more than one user of the organization sources carries keycloak.org/id: ${KWAME_ID}. A platform admin must remove the duplicate from the catalog.`,
      );
      // Everyone else still signs in.
      expect(
        claimsOf(await resolve(infoFor({ sub: LENA_ID }), context())).sub,
      ).toBe('user:default/lena');
    });

    it('refuses a token without a subject', async () => {
      await expect(
        resolve(infoFor({ preferred_username: 'ada' }), context()),
      ).rejects.toThrow('The Keycloak token carries no subject (sub)');
    });
  });

  describe('by Keycloak username (keycloakUsernameMatchingUserEntityName)', () => {
    it('is off unless auth.keycloak.usernameFallback is on', () => {
      expect(() => resolvers(false).usernameMatchingUserEntityName()).toThrow(
        'The sign-in resolver keycloakUsernameMatchingUserEntityName is off: set auth.keycloak.usernameFallback to true',
      );
    });

    const resolve = resolvers(true).usernameMatchingUserEntityName();

    it('signs in the user of the organization sources named after the username', async () => {
      const claims = claimsOf(
        await resolve(
          infoFor({ sub: 'legacy-id', preferred_username: 'legacy' }),
          context(),
        ),
      );
      expect(claims.sub).toBe('user:default/legacy');
    });

    it('signs nobody in as a user from elsewhere', async () => {
      await expect(
        resolve(
          infoFor({ sub: 'outsider-id', preferred_username: 'outsider' }),
          context(),
        ),
      ).rejects.toThrow(
        'No user of the organization sources is named outsider',
      );
    });

    it('never gives a user bound to one Keycloak account to another account of the same name', async () => {
      await expect(
        resolve(
          infoFor({ sub: 'someone-else', preferred_username: 'lena' }),
          context(),
        ),
      ).rejects.toThrow(
        'Sign-in refused: user:default/lena belongs to another Keycloak account (keycloak.org/id)',
      );
      expect(
        claimsOf(
          await resolve(
            infoFor({ sub: LENA_ID, preferred_username: 'lena' }),
            context(),
          ),
        ).sub,
      ).toBe('user:default/lena');
    });

    it('refuses a token without a username rather than guessing from the email', async () => {
      await expect(
        resolve(infoFor({ sub: 'x', email: 'ada@example.com' }), context()),
      ).rejects.toThrow('The Keycloak token carries no username');
    });
  });
});
