import {
  toCores,
  toGi,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

function millicores(cores: number): string {
  const m = Math.max(1, Math.round(cores * 1000));
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

function mebibytes(gi: number): string {
  const mi = Math.max(1, Math.round(gi * 1024));
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

/**
 * Requests equal to limits: the pods get the Guaranteed QoS class and the portal's
 * cpu and memory panels (a percentage of the limit) have a limit to divide by.
 * `fraction` sizes a container that gets a share of the role.
 */
export function containerResources(
  size: { cpu: string; memory: string },
  fraction = 1,
): {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
} {
  const amount = {
    cpu: millicores(toCores(size.cpu) * fraction),
    memory: mebibytes(toGi(size.memory) * fraction),
  };
  return { requests: { ...amount }, limits: { ...amount } };
}

/** Whole GiB of a storage size, rounded up (for CRDs that count in GiB). */
export function storageGi(spec: ServiceClaimSpec): number {
  return Math.ceil(toGi(spec.storage.size));
}
