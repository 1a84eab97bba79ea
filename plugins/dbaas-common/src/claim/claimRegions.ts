import type { ServiceClaimSpec } from './serviceClaimSpec';

/**
 * The regions (PoPs) a claim runs in, primary first: its region and its
 * replication regions. The operator of each renders that PoP's share; the
 * portal waits for each of them before it calls the database Active.
 * @public
 */
export function claimRegions(
  spec: Pick<ServiceClaimSpec, 'region' | 'replication'>,
): string[] {
  return [
    spec.region,
    ...spec.replication.regions.filter(r => r !== spec.region),
  ];
}
