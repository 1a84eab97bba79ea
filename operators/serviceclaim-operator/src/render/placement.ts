import type { ServiceClaimSpec } from '@internal/backstage-plugin-dbaas-common';

/**
 * Node label that separates the shared node pool (shared plan) from the pool of
 * dedicated nodes (every other plan).
 */
export const NODE_POOL_LABEL = 'dbaas.io/node-pool';

/** Zone and host topology keys. */
export const ZONE_KEY = 'topology.kubernetes.io/zone';
export const HOST_KEY = 'kubernetes.io/hostname';

/** The node pool a claim's pods are scheduled to. */
export function nodeSelector(spec: ServiceClaimSpec): Record<string, string> {
  return { [NODE_POOL_LABEL]: spec.plan === 'shared' ? 'shared' : 'dedicated' };
}

/**
 * How the pods matching `matchLabels` spread. Over zones when the claim is
 * multi-AZ: a skew of at most one pod per zone is required, so losing a zone
 * loses a fair share, and more replicas than zones still schedule (required
 * anti-affinity would leave them pending). Over nodes always, preferred, so a
 * small PoP can still place them. `matchLabelKeys` narrows the spread to pods
 * sharing those labels' values (one shard's tablets) when one template makes
 * many groups. A single replica needs none.
 */
export function spreadConstraints(
  spec: ServiceClaimSpec,
  matchLabels: Record<string, string>,
  replicas: number,
  matchLabelKeys?: string[],
): Record<string, unknown>[] {
  if (replicas < 2) return [];
  const over = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels },
    ...(matchLabelKeys ? { matchLabelKeys } : {}),
  });
  return [
    ...(spec.highAvailability.multiAZ ? [over(ZONE_KEY, 'DoNotSchedule')] : []),
    over(HOST_KEY, 'ScheduleAnyway'),
  ];
}

/** spreadConstraints as a pod spec field, left out when there is nothing to spread. */
export function topologySpread(...args: Parameters<typeof spreadConstraints>): {
  topologySpreadConstraints?: Record<string, unknown>[];
} {
  const constraints = spreadConstraints(...args);
  return constraints.length ? { topologySpreadConstraints: constraints } : {};
}

/**
 * The same intent as pod anti-affinity, for CRDs that take no spread
 * constraints: preferred, so replicas beyond the number of zones or nodes still
 * schedule.
 */
export function preferredAntiAffinity(
  spec: ServiceClaimSpec,
  matchLabels: Record<string, string>,
  replicas: number,
): Record<string, unknown> | undefined {
  if (replicas < 2) return undefined;
  const term = (topologyKey: string, weight: number) => ({
    weight,
    podAffinityTerm: { labelSelector: { matchLabels }, topologyKey },
  });
  return {
    preferredDuringSchedulingIgnoredDuringExecution: [
      ...(spec.highAvailability.multiAZ ? [term(ZONE_KEY, 100)] : []),
      term(HOST_KEY, 50),
    ],
  };
}

/**
 * Where a rack's pods go, for engines with racks (ScyllaDB, Aerospike). Multi-AZ:
 * a rack is a zone, so its members prefer the zone of their rack-mates and must
 * stay out of the zones of the other racks; the engine's rack-aware replica
 * placement then puts copies in distinct zones. Otherwise members of a rack only
 * prefer separate nodes.
 */
export function rackAffinity(
  spec: ServiceClaimSpec,
  clusterLabels: Record<string, string>,
  rack: { key: string; value: string },
  members: number,
): Record<string, unknown> {
  const sameRack = {
    matchLabels: { ...clusterLabels, [rack.key]: rack.value },
  };
  const otherRacks = {
    matchLabels: clusterLabels,
    matchExpressions: [
      { key: rack.key, operator: 'NotIn', values: [rack.value] },
    ],
  };
  const multiAZ = spec.highAvailability.multiAZ;
  return {
    nodeAffinity: nodeAffinity(spec),
    ...(multiAZ
      ? {
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  labelSelector: sameRack,
                  topologyKey: ZONE_KEY,
                },
              },
            ],
          },
        }
      : {}),
    ...(multiAZ || members > 1
      ? {
          podAntiAffinity: {
            ...(multiAZ
              ? {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { labelSelector: otherRacks, topologyKey: ZONE_KEY },
                  ],
                }
              : {}),
            ...(members > 1
              ? {
                  preferredDuringSchedulingIgnoredDuringExecution: [
                    {
                      weight: 50,
                      podAffinityTerm: {
                        labelSelector: sameRack,
                        topologyKey: HOST_KEY,
                      },
                    },
                  ],
                }
              : {}),
          },
        }
      : {}),
  };
}

/** The node pool as a node affinity, for CRDs that take no nodeSelector. */
export function nodeAffinity(spec: ServiceClaimSpec): Record<string, unknown> {
  const [[key, value]] = Object.entries(nodeSelector(spec));
  return {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [
        { matchExpressions: [{ key, operator: 'In', values: [value] }] },
      ],
    },
  };
}
