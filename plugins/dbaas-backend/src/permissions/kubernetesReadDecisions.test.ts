import {
  kubernetesClustersReadPermission,
  kubernetesResourcesReadPermission,
} from '@backstage/plugin-kubernetes-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';
import { kubernetesReadDecisions } from './kubernetesReadDecisions';

const policy = new DbaasPermissionPolicy({
  platformAdmins: ['group:default/platform'],
  decisions: kubernetesReadDecisions,
});

const ADA = {
  info: {
    userEntityRef: 'user:default/ada',
    ownershipEntityRefs: ['user:default/ada', 'group:default/payments'],
  },
} as unknown as PolicyQueryUser;

describe('kubernetesReadDecisions', () => {
  it.each([
    kubernetesResourcesReadPermission,
    kubernetesClustersReadPermission,
  ])(
    'lets a tenant member open the Kubernetes tab ($name)',
    async permission => {
      const decision = await policy.handle({ permission }, ADA);
      expect(decision.result).toBe(AuthorizeResult.ALLOW);
    },
  );

  it('decides exactly the two read permissions, so the proxy is left to its own decision', () => {
    expect(Object.keys(kubernetesReadDecisions).sort()).toEqual([
      'kubernetes.clusters.read',
      'kubernetes.resources.read',
    ]);
  });
});
