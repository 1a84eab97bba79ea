import { engineRoles } from './engineRoles';
import { toCores, toGi } from './quantity';
import type { ServiceClaimSpec } from './serviceClaimSpec';

/** What a claim takes out of its tenant's quota. @public */
export type ClaimFootprint = {
  instances: number;
  storageGi: number;
  cpu: number;
  memoryGi: number;
};

// Role names mean the same in every engine, so the sets span all engines.
const roleTables = Object.values(engineRoles);
const dataRoles = new Set(roleTables.map(roles => roles.data));
const perShardRoles = new Set(roleTables.flatMap(roles => roles.perShard));

/**
 * The resources a valid claim asks for: storage is per data-holding replica, CPU and
 * memory are summed over every role's replicas (per shard where the role is sharded).
 * @public
 */
export function claimFootprint(spec: ServiceClaimSpec): ClaimFootprint {
  const shards = spec.topology?.shards ?? 1;
  let storageGi = 0;
  let cpu = 0;
  let memoryGi = 0;
  for (const [role, size] of Object.entries(spec.resources)) {
    const count = size.replicas * (perShardRoles.has(role) ? shards : 1);
    cpu += count * toCores(size.cpu);
    memoryGi += count * toGi(size.memory);
    if (dataRoles.has(role)) {
      storageGi += count * toGi(spec.storage.size);
    }
  }
  return { instances: 1, storageGi, cpu, memoryGi };
}
