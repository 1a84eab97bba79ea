import { DBAAS_LABELS } from '@internal/backstage-plugin-dbaas-common';
import { resource } from './common';
import type { EngineRenderer } from './engines/engineRenderer';
import type { ClaimObject, RenderContext, RenderedResource } from './types';

/**
 * Ingress to the claim's pods: from each other (replication, gossip) and from
 * the claim's helper pods (backup jobs and services, labelled by the renderers),
 * from the
 * platform namespaces on any port (engine operators, monitoring), and from the
 * claim's allowedCIDRs on the client ports only. Everything else is dropped, so
 * another tenant's pods in the same cluster cannot reach the database.
 */
export function networkPolicy(
  claim: ClaimObject,
  ctx: RenderContext,
  engine: EngineRenderer,
): RenderedResource {
  const pods = engine.podSelector(claim);
  const cidrs = claim.spec.networking?.allowedCIDRs ?? [];
  const helpers = { [DBAAS_LABELS.serviceName]: claim.metadata.name };
  const ingress: Record<string, unknown>[] = [
    {
      from: [
        { podSelector: { matchLabels: pods } },
        ...(JSON.stringify(helpers) === JSON.stringify(pods)
          ? []
          : [{ podSelector: { matchLabels: helpers } }]),
      ],
    },
  ];
  if (ctx.platformNamespaces.length) {
    ingress.push({
      from: [
        {
          namespaceSelector: {
            matchExpressions: [
              {
                // Set by Kubernetes on every namespace, so it cannot be forged
                // by labelling a tenant namespace.
                key: 'kubernetes.io/metadata.name',
                operator: 'In',
                values: [...ctx.platformNamespaces].sort(),
              },
            ],
          },
        },
      ],
    });
  }
  if (cidrs.length) {
    ingress.push({
      from: cidrs.map(cidr => ({ ipBlock: { cidr } })),
      ports: engine.clientPorts.map(port => ({ protocol: 'TCP', port })),
    });
  }
  return resource(
    claim,
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      name: `${claim.metadata.name}-access`,
      component: 'network-policy',
    },
    {
      spec: {
        podSelector: { matchLabels: pods },
        policyTypes: ['Ingress'],
        ingress,
      },
    },
  );
}
