import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';

/**
 * Whether the cluster has caught up with the latest config change: every change
 * bumps the generation, and the operator reports the one it last acted on.
 */
export function describeGeneration(
  service: Pick<ServiceDetails, 'generation' | 'observedGeneration'>,
): string {
  const { generation, observedGeneration } = service;
  if (observedGeneration === undefined) {
    return `Generation ${generation}; no cluster has acted on it yet`;
  }
  if (observedGeneration < generation) {
    return `Generation ${generation}; the cluster last acted on generation ${observedGeneration}, so the latest change is still on its way`;
  }
  return `Generation ${generation}, applied by the cluster`;
}
