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
 *
 * Where only some pods serve clients (Vitess: vtgate, while every tablet runs
 * a mysqld on the same port with the engine's own passwordless replication
 * account), the allowedCIDRs rule is a second policy on those pods alone:
 * policies add up, and one rule cannot narrow the pods of its policy.
 */
export function networkPolicy(
  claim: ClaimObject,
  ctx: RenderContext,
  engine: EngineRenderer,
): RenderedResource[] {
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
  const fromClients = cidrs.length
    ? {
        from: cidrs.map(cidr => ({ ipBlock: { cidr } })),
        ports: engine.clientPorts.map(port => ({ protocol: 'TCP', port })),
      }
    : undefined;
  const clientPods = engine.clientPodSelector?.(claim);
  if (fromClients && !clientPods) {
    ingress.push(fromClients);
  }
  const policy = (
    name: string,
    matchLabels: Record<string, string>,
    rules: Record<string, unknown>[],
  ) =>
    resource(
      claim,
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        name,
        component: 'network-policy',
      },
      {
        spec: {
          podSelector: { matchLabels },
          policyTypes: ['Ingress'],
          ingress: rules,
        },
      },
    );
  return [
    policy(`${claim.metadata.name}-access`, pods, ingress),
    ...(fromClients && clientPods
      ? [policy(`${claim.metadata.name}-clients`, clientPods, [fromClients])]
      : []),
  ];
}
