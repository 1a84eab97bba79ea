import type { EngineId } from '../catalog/schema';

/**
 * The roles of one engine's resources, named in the engine operator's own vocabulary.
 * @public
 */
export type EngineRoles = {
  /** Roles a claim must size. */
  required: string[];
  /** Roles a claim may size as well. */
  optional: string[];
  /**
   * The role holding the data: each of its replicas gets a volume of
   * `storage.size`, and a scale request that names no role sizes it.
   */
  data: string;
  /** Roles whose replica count is per shard rather than per cluster. */
  perShard: string[];
};

/**
 * Every engine's roles: the one table the claim rules, the quota footprint and
 * the API's scale requests read.
 * @public
 */
export const engineRoles: Record<EngineId, EngineRoles> = {
  yugabyte: {
    required: ['master', 'tserver'],
    optional: [],
    data: 'tserver',
    perShard: [],
  },
  vitess: {
    required: ['vttablet', 'vtgate'],
    optional: [],
    data: 'vttablet',
    perShard: ['vttablet'],
  },
  scylla: { required: ['member'], optional: [], data: 'member', perShard: [] },
  dragonfly: {
    required: ['instance'],
    optional: [],
    data: 'instance',
    perShard: [],
  },
  aerospike: { required: ['node'], optional: [], data: 'node', perShard: [] },
  mongodb: {
    required: ['mongod'],
    optional: ['mongos', 'configsvr'],
    data: 'mongod',
    perShard: ['mongod'],
  },
  postgresql: {
    required: ['instance'],
    optional: [],
    data: 'instance',
    perShard: [],
  },
};

/** Memory sizes a Dragonfly instance comes in (the dfly-mem-* SKUs). @public */
export const DRAGONFLY_MEMORY_TIERS = [
  '16Gi',
  '32Gi',
  '64Gi',
  '128Gi',
] as const;
