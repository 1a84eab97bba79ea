import { portalArgoCdRole } from './portalArgoCdRole';

describe('portalArgoCdRole', () => {
  it("grants what docs/api.md says the portal needs, to a ServiceAccount in Argo CD's namespace", () => {
    const objects = portalArgoCdRole('argocd');
    expect(objects.map(o => [o.kind, o.metadata?.namespace])).toEqual([
      ['ServiceAccount', 'argocd'],
      ['Role', 'argocd'],
      ['RoleBinding', 'argocd'],
    ]);
    const role = objects.find(o => o.kind === 'Role')!;
    expect(role.rules).toContainEqual({
      apiGroups: ['argoproj.io'],
      resources: ['applications'],
      verbs: ['get', 'list', 'watch', 'patch'],
    });
    const binding = objects.find(o => o.kind === 'RoleBinding')!;
    expect(binding.roleRef.name).toBe(role.metadata!.name);
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: objects[0].metadata!.name,
        namespace: 'argocd',
      },
    ]);
  });
});
