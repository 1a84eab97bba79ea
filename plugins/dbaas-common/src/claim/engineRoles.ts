import type { EngineId } from '../catalog/schema';

/**
 * The roles each engine's resources may size, and which of them a claim must size.
 * Names follow each engine operator's own vocabulary.
 * @public
 */
export const engineRoles: Record<
  EngineId,
  { required: string[]; optional: string[] }
> = {
  yugabyte: { required: ['master', 'tserver'], optional: [] },
  vitess: { required: ['vttablet', 'vtgate'], optional: [] },
  scylla: { required: ['member'], optional: [] },
  dragonfly: { required: ['instance'], optional: [] },
  aerospike: { required: ['node'], optional: [] },
  mongodb: { required: ['mongod'], optional: ['mongos', 'configsvr'] },
  postgresql: { required: ['instance'], optional: [] },
};

/** Memory sizes a Dragonfly instance comes in (the dfly-mem-* SKUs). @public */
export const DRAGONFLY_MEMORY_TIERS = [
  '16Gi',
  '32Gi',
  '64Gi',
  '128Gi',
] as const;
