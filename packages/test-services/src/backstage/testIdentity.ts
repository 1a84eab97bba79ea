import {
  coreServices,
  createServiceFactory,
  type AuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';

/**
 * User info as the sign-in resolver puts it: the user and the groups the
 * catalog says they belong to (`memberships`, by user entity ref, or a function
 * of it for generated users).
 */
export function membershipUserInfoFactory(
  memberships: Record<string, string[]> | ((userEntityRef: string) => string[]),
) {
  const groupsOf =
    typeof memberships === 'function'
      ? memberships
      : (userEntityRef: string) => memberships[userEntityRef] ?? [];
  return createServiceFactory({
    service: coreServices.userInfo,
    deps: {},
    factory: () => ({
      async getUserInfo(credentials) {
        const { userEntityRef } = credentials.principal as {
          userEntityRef: string;
        };
        return {
          userEntityRef,
          ownershipEntityRefs: [userEntityRef, ...groupsOf(userEntityRef)],
        };
      },
    }),
  });
}

const MOCK_SERVICE_TOKEN = 'mock-service-token:';

/**
 * The mock auth service, except that a plugin's token on behalf of a user
 * authenticates as that user with the plugin as actor, as real tokens do: the
 * permission backend answers conditional queries for users only through a
 * plugin, and would refuse the mock's plain user credentials.
 */
export const onBehalfOfAuthServiceFactory = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }) {
    const mock = mockServices.auth({ pluginId: plugin.getId() });
    const authenticate: AuthService['authenticate'] = async (
      token,
      options,
    ) => {
      const credentials = await mock.authenticate(token, options);
      if (
        token.startsWith(MOCK_SERVICE_TOKEN) &&
        (credentials.principal as { type: string }).type === 'user'
      ) {
        const { obo, sub } = JSON.parse(token.slice(MOCK_SERVICE_TOKEN.length));
        return mockCredentials.user(obo, {
          actor: { subject: sub ?? 'plugin:unknown' },
        });
      }
      return credentials;
    };
    return {
      authenticate,
      getNoneCredentials: () => mock.getNoneCredentials(),
      getOwnServiceCredentials: () => mock.getOwnServiceCredentials(),
      isPrincipal: mock.isPrincipal.bind(mock),
      getPluginRequestToken: options => mock.getPluginRequestToken(options),
      getLimitedUserToken: credentials => mock.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => mock.listPublicServiceKeys(),
    } as AuthService;
  },
});
