import type {
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  dbaasOrganizationReadPermission,
  dbaasServiceReadPermission,
  dbaasServiceUpdatePermission,
} from '@internal/backstage-plugin-dbaas-common';
import type { GrantStore } from '../database/GrantStore';
import {
  createDbaasOrganizationConditionalDecision,
  dbaasOrganizationConditions,
} from './conditions';
import { DbaasAccess } from './DbaasAccess';
import { organizationHasRole } from './rules';

const place = {
  organization: 'group:default/acme',
  tenants: ['group:default/payments'],
};

function setup(results: AuthorizeResult[] = []) {
  let now = 0;
  const authorizeConditional = jest.fn(async () => [
    { result: results.shift() ?? AuthorizeResult.ALLOW },
  ]);
  const permissions = {
    authorize: jest.fn(),
    authorizeConditional,
  } as unknown as PermissionsService;
  const access = new DbaasAccess(
    permissions,
    mockServices.permissionsRegistry.mock(),
    {} as GrantStore,
    { decisionMaxAgeMs: 1000, now: () => now },
  );
  return {
    access,
    authorizeConditional,
    setNow: (value: number) => {
      now = value;
    },
  };
}

describe('DbaasAccess', () => {
  const ada = mockCredentials.user('user:default/ada');
  const kwame = mockCredentials.user('user:default/kwame');

  it('asks the permission framework once per user and permission while the decision is fresh', async () => {
    const { access, authorizeConditional, setNow } = setup([
      AuthorizeResult.ALLOW,
      AuthorizeResult.DENY,
      AuthorizeResult.DENY,
    ]);
    await Promise.all([
      access.serviceFilter(dbaasServiceReadPermission, ada),
      access.serviceFilter(dbaasServiceReadPermission, ada),
    ]);
    expect(
      await access.canOnService(dbaasServiceReadPermission, ada, place),
    ).toBe(true);
    expect(authorizeConditional).toHaveBeenCalledTimes(1);

    // Another user, another permission: asked for on their own.
    expect(
      await access.canOnService(dbaasServiceReadPermission, kwame, place),
    ).toBe(false);
    expect(
      await access.canOnService(dbaasServiceUpdatePermission, ada, place),
    ).toBe(false);
    expect(authorizeConditional).toHaveBeenCalledTimes(3);

    setNow(1001);
    await access.serviceFilter(dbaasServiceReadPermission, ada);
    expect(authorizeConditional).toHaveBeenCalledTimes(4);
  });

  it('asks again after a failed ask, and every time for plugins', async () => {
    const { access, authorizeConditional } = setup();
    authorizeConditional.mockRejectedValueOnce(
      new Error('permission backend down'),
    );
    await expect(
      access.serviceFilter(dbaasServiceReadPermission, ada),
    ).rejects.toThrow('permission backend down');
    await access.serviceFilter(dbaasServiceReadPermission, ada);
    expect(authorizeConditional).toHaveBeenCalledTimes(2);

    const plugin = mockCredentials.service('plugin:catalog');
    await access.serviceFilter(dbaasServiceReadPermission, plugin);
    await access.serviceFilter(dbaasServiceReadPermission, plugin);
    expect(authorizeConditional).toHaveBeenCalledTimes(4);
  });

  it('decides on many organizations with one question and one read of the grants', async () => {
    const authorizeConditional = jest.fn(async () => [
      createDbaasOrganizationConditionalDecision(
        dbaasOrganizationReadPermission,
        dbaasOrganizationConditions.hasRole({
          principals: ['user:default/ada', 'group:default/payments'],
          roles: ['org-member', 'service-admin'],
        }),
      ),
    ]);
    const grantsOn = jest.fn(async () => [
      {
        scope: 'group:default/globex',
        principal: 'user:default/ada',
        role: 'org-member' as const,
      },
    ]);
    // The organizations' rule set, with the one rule the policy uses.
    const ruleset = { getRuleByName: () => organizationHasRole };
    const registry = mockServices.permissionsRegistry.mock({
      getPermissionRuleset: (() =>
        ruleset) as unknown as PermissionsRegistryService['getPermissionRuleset'],
    });
    const access = new DbaasAccess(
      { authorize: jest.fn(), authorizeConditional } as PermissionsService,
      registry,
      { grantsOn } as unknown as GrantStore,
    );
    expect(
      await access.canOnOrganizations(dbaasOrganizationReadPermission, ada, [
        // A member of one of its tenants' teams.
        {
          organization: 'group:default/acme',
          tenants: ['group:default/payments'],
        },
        // Granted a role there.
        {
          organization: 'group:default/globex',
          tenants: ['group:default/ledger'],
        },
        {
          organization: 'group:default/initech',
          tenants: ['group:default/tps'],
        },
      ]),
    ).toEqual([true, true, false]);
    expect(authorizeConditional).toHaveBeenCalledTimes(1);
    expect(grantsOn).toHaveBeenCalledTimes(1);
  });

  it('asks every time with a decisionMaxAgeMs of 0', async () => {
    const authorizeConditional = jest.fn(async () => [
      { result: AuthorizeResult.ALLOW },
    ]);
    const access = new DbaasAccess(
      { authorize: jest.fn(), authorizeConditional } as PermissionsService,
      mockServices.permissionsRegistry.mock(),
      {} as GrantStore,
      { decisionMaxAgeMs: 0 },
    );
    await access.serviceFilter(dbaasServiceReadPermission, ada);
    await access.serviceFilter(dbaasServiceReadPermission, ada);
    expect(authorizeConditional).toHaveBeenCalledTimes(2);
  });

  describe('for an API client', () => {
    const client = mockCredentials.service(
      'external:keycloak:4f1c2d3e-0000-4000-8000-000000000001',
    );
    const clientOf = (
      actingFor: { owner: string; principals: string[] } | undefined,
    ) => ({
      isClient: (credentials: typeof client) =>
        (credentials.principal as { subject: string }).subject.startsWith(
          'external:keycloak:',
        ),
      actingFor: jest.fn(async () => actingFor),
    });
    const ruleset = {
      getRuleByName: (name: string) =>
        name === 'HAS_ROLE' ? organizationHasRole : undefined,
    };

    function accessFor(
      apiClients: ReturnType<typeof clientOf>,
      platformAdmins: string[] = [],
    ) {
      const authorizeConditional = jest.fn(async () => [
        // What the framework answers a service token: it trusts plugins.
        { result: AuthorizeResult.ALLOW },
      ]);
      const access = new DbaasAccess(
        { authorize: jest.fn(), authorizeConditional } as PermissionsService,
        mockServices.permissionsRegistry.mock({
          getPermissionRuleset: (() =>
            ruleset) as unknown as PermissionsRegistryService['getPermissionRuleset'],
        }),
        { grantsOn: async () => [] } as unknown as GrantStore,
        { apiClients, platformAdmins },
      );
      return { access, authorizeConditional };
    }

    it('decides as its owner, never as the plugin the framework would take it for', async () => {
      const apiClients = clientOf({
        owner: 'user:default/ada',
        principals: ['user:default/ada', 'group:default/payments'],
      });
      const { access, authorizeConditional } = accessFor(apiClients);
      expect(
        await access.canOnOrganizations(
          dbaasOrganizationReadPermission,
          client,
          [
            place,
            {
              organization: 'group:default/globex',
              tenants: ['group:default/ledger'],
            },
          ],
        ),
      ).toEqual([true, false]);
      expect(authorizeConditional).not.toHaveBeenCalled();
      expect(apiClients.actingFor).toHaveBeenCalledWith(
        'external:keycloak:4f1c2d3e-0000-4000-8000-000000000001',
      );
      // A list is filtered as ada's would be, not let through.
      expect(
        await access.serviceFilter(dbaasServiceReadPermission, client),
      ).toBeDefined();
    });

    it('may do nothing unregistered, and everything for a platform admin', async () => {
      const { access } = accessFor(clientOf(undefined));
      expect(
        await access.canOnService(dbaasServiceReadPermission, client, place),
      ).toBe(false);
      await expect(
        access.serviceFilter(dbaasServiceReadPermission, client),
      ).rejects.toThrow('Not allowed');

      const admin = accessFor(
        clientOf({
          owner: 'user:default/lena',
          principals: ['user:default/lena', 'group:default/platform'],
        }),
        ['group:default/platform'],
      ).access;
      expect(
        await admin.serviceFilter(dbaasServiceReadPermission, client),
      ).toBeUndefined();
    });

    it('sees the platform only for a platform admin, never as a trusted plugin', async () => {
      const member = accessFor(
        clientOf({
          owner: 'user:default/ada',
          principals: ['user:default/ada', 'group:default/payments'],
        }),
      );
      expect(await member.access.canReadPlatform(client)).toBe(false);
      expect(
        await accessFor(clientOf(undefined)).access.canReadPlatform(client),
      ).toBe(false);
      const admin = accessFor(
        clientOf({
          owner: 'user:default/lena',
          principals: ['user:default/lena', 'group:default/platform'],
        }),
        ['group:default/platform'],
      );
      expect(await admin.access.canReadPlatform(client)).toBe(true);
    });
  });
});
