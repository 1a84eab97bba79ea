import type { RegionId, SkuCatalog } from '../catalog/schema';
import type { ServiceClaimSpec } from './serviceClaimSpec';
import { engineTls } from './engineTls';

/**
 * The spec a claim on a SKU starts from in the given primary region: the SKU's default
 * size mapped onto the engine's roles, the plan's availability, scheduled backups, TLS
 * (where the engine offers it, engineTls) and metrics on. Global SKUs replicate to the next regions the SKU is stocked in.
 * Throws if the SKU does not exist; a region it is not stocked in is left for
 * validation to report.
 * @public
 */
export function specFromSku(
  catalog: SkuCatalog,
  skuId: string,
  region: RegionId,
): ServiceClaimSpec {
  const sku = catalog.skus.find(s => s.id === skuId);
  if (!sku) {
    throw new Error(`There is no SKU "${skuId}"`);
  }
  const engine = catalog.engines.find(e => e.id === sku.engine)!;
  const plan = catalog.plans.find(p => p.id === sku.plan)!;
  const d = sku.defaults;
  const size = { cpu: String(d.vcpuPerNode), memory: `${d.memoryGiPerNode}Gi` };
  const shards = d.shards ?? 1;
  const perShard = Math.max(1, Math.round(d.nodes / shards));
  const small = { cpu: '1', memory: '2Gi' };
  const routers = plan.id === 'shared' ? 1 : 2;

  const resources = ((): ServiceClaimSpec['resources'] => {
    switch (sku.engine) {
      case 'yugabyte':
        return {
          master: { replicas: d.replicationFactor, ...small },
          tserver: { replicas: d.nodes, ...size },
        };
      case 'vitess':
        return {
          vttablet: { replicas: perShard, ...size },
          vtgate: { replicas: routers, ...small },
        };
      case 'scylla':
        return { member: { replicas: d.nodes, ...size } };
      case 'dragonfly':
      case 'postgresql':
        return { instance: { replicas: d.nodes, ...size } };
      case 'aerospike':
        return { node: { replicas: d.nodes, ...size } };
      case 'mongodb':
        return shards > 1
          ? {
              mongod: { replicas: perShard, ...size },
              mongos: { replicas: routers, ...small },
              configsvr: { replicas: 3, ...small },
            }
          : { mongod: { replicas: d.nodes, ...size } };
      default:
        throw new Error(`No role mapping for engine ${sku.engine}`);
    }
  })();

  const regions =
    plan.scaling === 'multi-region'
      ? [region, ...sku.regions.filter(r => r !== region)].slice(0, 3)
      : [region];

  return {
    sku: sku.id,
    engine: sku.engine,
    version: engine.defaultVersion,
    plan: sku.plan,
    region,
    storage: { size: `${d.storageGiPerNode}Gi` },
    replication: { factor: d.replicationFactor, regions },
    resources,
    ...(sku.engine === 'vitess' ||
    d.shards ||
    d.racks ||
    sku.engine === 'mongodb'
      ? {
          topology: {
            ...(d.shards ? { shards: d.shards } : {}),
            ...(d.racks ? { racks: d.racks } : {}),
            ...(sku.engine === 'mongodb'
              ? {
                  mode:
                    shards > 1 ? ('sharded' as const) : ('replicaset' as const),
                }
              : {}),
          },
        }
      : {}),
    ...(sku.engine === 'aerospike'
      ? { engineOptions: { strongConsistency: true } }
      : {}),
    backup: { enabled: true, schedule: '0 */6 * * *', retention: '14d' },
    observability: {
      metrics: { enabled: true, scrapeInterval: '30s' },
      logs: { enabled: true, retention: '30d' },
    },
    highAvailability: { multiAZ: plan.multiAZ },
    networking: {
      tls: { enabled: engineTls[sku.engine].kind !== 'unavailable' },
      allowedCIDRs: [],
    },
  };
}
