import {
  claimRegions,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

export { claimRegions };

/**
 * This PoP's share of a count the claim gives for all its regions (replicas
 * are counted once per claim, as its quota footprint counts them): an even
 * split, the primary and the next regions taking the remainder, at least one.
 */
export function regionShare(
  spec: ServiceClaimSpec,
  total: number,
  pop: string,
): number {
  const regions = claimRegions(spec);
  const index = Math.max(0, regions.indexOf(pop));
  const share =
    Math.floor(total / regions.length) +
    (index < total % regions.length ? 1 : 0);
  return Math.max(1, share);
}

/** Whether the claim has anything to run in this PoP. */
export function runsIn(spec: ServiceClaimSpec, pop: string): boolean {
  return claimRegions(spec).includes(pop);
}

/**
 * How a Service of one PoP is reached from another: the platform's inter-PoP DNS
 * zone (docs/engines.md, "Cross-PoP addressing").
 */
export function remoteServiceHost(
  service: string,
  namespace: string,
  pop: string,
): string {
  return `${service}.${namespace}.svc.${pop}.dbaas.internal`;
}
