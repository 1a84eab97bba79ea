import type { Plan } from './schema';

// SLAs and scaling modes of the plans the API offers (docs/api.md).
export const plans: Plan[] = [
  {
    id: 'shared',
    displayName: 'Shared',
    description:
      'Namespace-level isolation in a shared cluster; for development, test and small apps',
    slaPercent: 99.0,
    scaling: 'vertical-only',
    multiAZ: false,
    minRegions: 1,
  },
  {
    id: 'dedicated',
    displayName: 'Dedicated',
    description:
      'A cluster of your own with high availability in one region and cross-region replicas',
    slaPercent: 99.5,
    scaling: 'replicas',
    multiAZ: false,
    minRegions: 1,
  },
  {
    id: 'clustered',
    displayName: 'Clustered',
    description:
      'Multi-node dedicated cluster spread over availability zones, scaled out by shards or rings',
    slaPercent: 99.9,
    scaling: 'horizontal',
    multiAZ: true,
    minRegions: 1,
  },
  {
    id: 'global',
    displayName: 'Global',
    description:
      'Active-active across regions with geo-aware routing, for mission-critical applications',
    slaPercent: 99.95,
    scaling: 'multi-region',
    multiAZ: true,
    minRegions: 2,
  },
];
