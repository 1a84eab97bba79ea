import {
  catalogEntityCreatePermission,
  catalogEntityDeletePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  type Permission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';
import { catalogRegistrationDecisions } from './catalogRegistrationDecisions';

const policy = new DbaasPermissionPolicy({
  platformAdmins: ['group:default/platform'],
  decisions: catalogRegistrationDecisions,
});

function userOf(ref: string, groups: string[]): PolicyQueryUser {
  return {
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  } as unknown as PolicyQueryUser;
}

const ADA = userOf('user:default/ada', ['group:default/payments']);
const LENA = userOf('user:default/lena', ['group:default/platform']);

const REGISTRATION: Array<[string, Permission]> = [
  ['registering or updating a location', catalogLocationCreatePermission],
  ['deleting a location', catalogLocationDeletePermission],
  ['creating an entity', catalogEntityCreatePermission],
  ['unregistering or deleting an entity', catalogEntityDeletePermission],
];

const decide = (permission: Permission, user?: PolicyQueryUser) =>
  policy.handle({ permission }, user).then(decision => decision.result);

describe('catalogRegistrationDecisions', () => {
  it.each(REGISTRATION)(
    'refuses %s to a member of a tenant team',
    async (_, permission) => {
      expect(await decide(permission, ADA)).toBe(AuthorizeResult.DENY);
    },
  );

  it.each(REGISTRATION)(
    'allows %s to a platform admin',
    async (_, permission) => {
      expect(await decide(permission, LENA)).toBe(AuthorizeResult.ALLOW);
    },
  );

  it.each(REGISTRATION)(
    'refuses %s to a plugin calling on its own credentials',
    async (_, permission) => {
      expect(await decide(permission)).toBe(AuthorizeResult.DENY);
    },
  );
});
