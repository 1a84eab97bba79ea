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

/**
 * Whether the claim's other regions start from its primary's backups: a
 * PostgreSQL replica cluster recovers from the primary's WAL archive, which
 * holds nothing until the primary's first base backup completes. The portal
 * commits that backup in the claim (CLAIM_ANNOTATIONS.primaryBackup) once
 * the primary reports it; the operators of the other regions wait for it.
 * @public
 */
export function replicasStartFromPrimaryBackup(
  spec: Pick<ServiceClaimSpec, 'engine' | 'region' | 'replication'>,
): boolean {
  return spec.engine === 'postgresql' && claimRegions(spec).length > 1;
}
