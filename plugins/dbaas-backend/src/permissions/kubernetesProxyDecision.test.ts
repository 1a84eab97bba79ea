import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';
import { kubernetesProxyDecisions } from './kubernetesProxyDecision';

const policy = new DbaasPermissionPolicy({
  platformAdmins: ['group:default/platform'],
  decisions: kubernetesProxyDecisions,
});

const userOf = (ref: string, groups: string[]) =>
  ({
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  } as unknown as PolicyQueryUser);

const decide = (user?: PolicyQueryUser) =>
  policy
    .handle({ permission: kubernetesProxyPermission }, user)
    .then(decision => decision.result);

describe('kubernetesProxyDecisions', () => {
  it('refuses the cluster proxy to a tenant member', async () => {
    expect(
      await decide(userOf('user:default/ada', ['group:default/payments'])),
    ).toBe(AuthorizeResult.DENY);
  });

  it('refuses it to a plugin calling with its own credentials', async () => {
    expect(await decide()).toBe(AuthorizeResult.DENY);
  });

  it('allows it to a platform admin', async () => {
    expect(
      await decide(userOf('user:default/root', ['group:default/platform'])),
    ).toBe(AuthorizeResult.ALLOW);
  });
});
