import { CLAIM_PHASES } from '../claim/serviceClaimStatus';

/**
 * Where a claim is in its life, spelled as Kubernetes spells phases (`Active`):
 * the ServiceClaim's status, the database's row and the catalog entity use it.
 * @public
 */
export type ClaimPhase = (typeof CLAIM_PHASES)[number];

/**
 * A database's status in the API: its claim phase, lower case (`active`), as
 * JSON APIs spell enum values. Both spellings are public contracts (the CRD's
 * status and the OpenAPI document), so they meet only in the two functions below.
 * @public
 */
export type ServiceStatus = Lowercase<ClaimPhase>;

/** The API status of a claim phase: `Active` → `active`. @public */
export function serviceStatusOf(phase: ClaimPhase): ServiceStatus {
  return phase.toLowerCase() as ServiceStatus;
}

/**
 * The claim phase of an API status (`active` → `Active`); undefined for a
 * string that is no status, such as one from a newer API.
 * @public
 */
export function claimPhaseOf(status: ServiceStatus): ClaimPhase;
/** @public */
export function claimPhaseOf(status: string): ClaimPhase | undefined;
export function claimPhaseOf(status: string): ClaimPhase | undefined {
  return CLAIM_PHASES.find(phase => serviceStatusOf(phase) === status);
}

/** Every API status, in the order of CLAIM_PHASES. @public */
export const SERVICE_STATUSES = CLAIM_PHASES.map(serviceStatusOf) as [
  ServiceStatus,
  ...ServiceStatus[],
];
