import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { KubernetesObject } from '@kubernetes/client-node';
import { repoRoot } from '../repoRoot';

type Manifest = KubernetesObject & Record<string, any>;

/**
 * The portal's access to Argo CD exactly as docs/api.md ("Provisioning through
 * GitOps") tells a platform team to grant it, so that the loop proves the
 * document: its Role and RoleBinding, with the portal's ServiceAccount created
 * in `namespace` (Argo CD's) rather than the portal's own namespace, which
 * there is none of without a kubelet.
 */
export function portalArgoCdRole(namespace: string): Manifest[] {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs/api.md'), 'utf8');
  const blocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map(m => m[1]);
  const block = blocks.find(b => /^kind: Role$/m.test(b));
  if (!block) throw new Error('docs/api.md shows no Role for the portal');
  const objects = yaml.loadAll(block).filter(Boolean) as Manifest[];
  const binding = objects.find(o => o.kind === 'RoleBinding');
  const subject = binding?.subjects?.find(
    (s: { kind: string }) => s.kind === 'ServiceAccount',
  );
  if (!objects.some(o => o.kind === 'Role') || !subject) {
    throw new Error(
      'docs/api.md shows no Role bound to a ServiceAccount for the portal',
    );
  }
  subject.namespace = namespace;
  const inNamespace = (o: Manifest): Manifest => ({
    ...o,
    metadata: { ...o.metadata, namespace },
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: subject.name, namespace },
    },
    ...objects.map(inNamespace),
  ];
}
