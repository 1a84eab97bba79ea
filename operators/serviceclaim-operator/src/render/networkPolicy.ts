import { DBAAS_LABELS } from '@internal/backstage-plugin-dbaas-common';
import { notesAnnotation, resource } from './common';
import { claimRegions } from './regions';
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
 * A multi-region claim's members in its other PoPs are admitted from those
 * PoPs' pod CIDRs on the engine's peer ports (engines' `peerPorts`).
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
  // The claim's members in its other PoPs, by those PoPs' pod CIDRs on the
  // engine's peer ports. A NetworkPolicy cannot select another cluster's pods:
  // any pod of those PoPs reaches these ports, so isolation between tenants
  // across PoPs rests on the engine's own authentication and TLS.
  const notes: string[] = [];
  const peers = claimRegions(claim.spec).filter(pop => pop !== ctx.pop);
  if (engine.peerPorts?.length && peers.length) {
    const known = peers.filter(pop => ctx.popPodCidrs?.[pop]?.length);
    const unknown = peers.filter(pop => !known.includes(pop));
    if (known.length) {
      ingress.push({
        from: known.flatMap(pop =>
          ctx.popPodCidrs![pop].map(cidr => ({ ipBlock: { cidr } })),
        ),
        ports: engine.peerPorts.map(port => ({ protocol: 'TCP', port })),
      });
    }
    if (unknown.length) {
      notes.push(
        `Members in ${unknown.join(
          ', ',
        )} cannot reach this PoP: their pod CIDRs are not configured (the operator's popPodCidrs).`,
      );
    }
  }
  const policy = (
    name: string,
    matchLabels: Record<string, string>,
    rules: Record<string, unknown>[],
    annotations?: Record<string, string>,
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
      annotations,
    );
  return [
    policy(
      `${claim.metadata.name}-access`,
      pods,
      ingress,
      notesAnnotation(notes),
    ),
    ...(fromClients && clientPods
      ? [policy(`${claim.metadata.name}-clients`, clientPods, [fromClients])]
      : []),
  ];
}
