import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import { formatZodError } from '../validation/formatZodError';
import type { ServiceClaimSpec } from './serviceClaimSpec';
import { serviceClaimSpecSchema } from './serviceClaimSpecSchema';
import { specFromSku } from './specFromSku';

function problems(spec: unknown): string {
  const result = serviceClaimSpecSchema.safeParse(spec);
  return result.success ? '' : formatZodError(result.error);
}

function skuSpec(
  skuId: string,
  change: (spec: ServiceClaimSpec) => void = () => {},
  region: ServiceClaimSpec['region'] = 'frankfurt',
): ServiceClaimSpec {
  const spec = structuredClone(specFromSku(skuCatalog, skuId, region));
  change(spec);
  return spec;
}

describe('serviceClaimSpecSchema', () => {
  it('accepts the default spec of every SKU in every region it is stocked in', () => {
    for (const sku of skuCatalog.skus) {
      for (const region of sku.regions) {
        expect({
          sku: sku.id,
          region,
          problems: problems(skuSpec(sku.id, undefined, region)),
        }).toEqual({
          sku: sku.id,
          region,
          problems: '',
        });
      }
    }
  });

  it.each([
    [
      'storage below the minimum',
      'pg-shared',
      (s: ServiceClaimSpec) => {
        s.storage.size = '50Gi';
      },
      'storage.size: Must be between 100Gi and 10Ti',
    ],
    [
      'storage above the maximum',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.storage.size = '11Ti';
      },
      'storage.size: Must be between 100Gi and 10Ti',
    ],
    [
      'a storage size without a unit',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.storage.size = '100';
      },
      'storage.size: must be a size with a binary unit, such as 512Mi, 100Gi or 2Ti',
    ],
    [
      'an even YugabyteDB replication factor',
      'yb-dedicated',
      (s: ServiceClaimSpec) => {
        s.replication.factor = 2;
      },
      'replication.factor: YugabyteDB needs an odd replication factor from 1 to 7',
    ],
    [
      'a YugabyteDB replication factor above 7',
      'yb-clustered',
      (s: ServiceClaimSpec) => {
        s.replication.factor = 9;
        s.resources.tserver.replicas = 9;
      },
      'replication.factor: YugabyteDB needs an odd replication factor from 1 to 7',
    ],
    [
      'a Vitess shard count that is not a power of two',
      'vt-sharded',
      (s: ServiceClaimSpec) => {
        s.topology!.shards = 3;
      },
      'topology.shards: Vitess needs a shard count that is a power of two (1, 2, 4, 8, ...)',
    ],
    [
      'fewer Scylla racks than the replication factor',
      'scy-ring-5',
      (s: ServiceClaimSpec) => {
        s.topology!.racks = 2;
      },
      'topology.racks: ScyllaDB needs at least as many racks as the replication factor (3)',
    ],
    [
      'a Dragonfly size between tiers',
      'dfly-mem-64g',
      (s: ServiceClaimSpec) => {
        s.resources.instance.memory = '48Gi';
      },
      'resources.instance.memory: Dragonfly comes in memory tiers of 16Gi, 32Gi, 64Gi, 128Gi',
    ],
    [
      'Aerospike strong consistency on 2 nodes',
      'aero-strong-3',
      (s: ServiceClaimSpec) => {
        s.resources.node.replicas = 2;
      },
      'engineOptions.strongConsistency: Aerospike strong consistency needs a replication factor of at least 2 and at least 3 nodes',
    ],
    [
      'Aerospike strong consistency with RF 1',
      'aero-strong-3',
      (s: ServiceClaimSpec) => {
        s.replication.factor = 1;
      },
      'engineOptions.strongConsistency: Aerospike strong consistency needs a replication factor of at least 2 and at least 3 nodes',
    ],
    [
      'a PostgreSQL primary region without a standby',
      'pg-global',
      (s: ServiceClaimSpec) => {
        s.replication.regions = ['frankfurt', 'lagos', 'johannesburg'];
        s.resources.instance.replicas = 3;
      },
      'resources.instance.replicas: PostgreSQL in 3 regions needs at least 4 instances: one in each region and a standby beside the primary',
    ],
    [
      'PostgreSQL in two regions without backups',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.replication.regions = ['frankfurt', 'lagos'];
        s.backup = { enabled: false };
      },
      "backup.enabled: PostgreSQL in more than one region needs backups on: the other regions follow the primary's WAL archive",
    ],
    [
      'TLS on an engine offered without it',
      'aero-strong-3',
      (s: ServiceClaimSpec) => {
        s.networking = { tls: { enabled: true }, allowedCIDRs: [] };
      },
      'networking.tls.enabled: Aerospike is offered without TLS: its operator needs per-node TLS names and a client certificate of its own, which the platform does not issue yet',
    ],
    [
      'a MongoDB claim that is neither a replica set nor sharded',
      'mongo-flex-rs',
      (s: ServiceClaimSpec) => {
        delete s.topology!.mode;
      },
      'topology.mode: MongoDB runs as a replicaset or a sharded cluster: choose one',
    ],
    [
      'a sharded MongoDB with one shard',
      'mongo-flex-sharded',
      (s: ServiceClaimSpec) => {
        s.topology!.shards = 1;
      },
      'topology.shards: A sharded MongoDB cluster needs at least 2 shards',
    ],
    [
      'MongoDB in a second region, which would never run there',
      'mongo-flex-rs',
      (s: ServiceClaimSpec) => {
        s.replication.regions = [s.region, 'lagos'];
      },
      "replication.regions: MongoDB runs in one region: the Percona operator's cross-region replication needs each region's members reachable from the others, which the platform does not provide yet",
    ],
    [
      'a version the engine does not offer',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.version = '9.6';
      },
      'version: PostgreSQL is offered in versions 16, 17',
    ],
    [
      'a role the engine does not have',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.resources.tserver = { replicas: 1, cpu: '1', memory: '1Gi' };
      },
      'resources.tserver: PostgreSQL has no role "tserver" (its roles: instance)',
    ],
    [
      'a shared claim in two regions',
      'pg-shared',
      (s: ServiceClaimSpec) => {
        s.replication.regions = ['frankfurt', 'ashburn'];
      },
      'replication.regions: The shared plan runs in a single region',
    ],
    [
      'a shared claim scaled out',
      'pg-shared',
      (s: ServiceClaimSpec) => {
        s.resources.instance.replicas = 2;
      },
      'resources.instance.replicas: The shared plan scales vertically only: every role runs 1 replica',
    ],
    [
      'a global claim in one region',
      'scy-ring-9',
      (s: ServiceClaimSpec) => {
        s.replication.regions = ['frankfurt'];
      },
      'replication.regions: The global plan needs at least 2 regions',
    ],
    [
      'a clustered claim in one zone',
      'yb-clustered',
      (s: ServiceClaimSpec) => {
        s.highAvailability.multiAZ = false;
      },
      'highAvailability.multiAZ: The clustered plan spreads over availability zones: multiAZ must be true',
    ],
    [
      'replicas that leave out the primary region',
      'yb-global',
      (s: ServiceClaimSpec) => {
        s.replication.regions = ['lagos', 'ashburn'];
      },
      'replication.regions: Must include the primary region frankfurt',
    ],
    [
      'an enabled backup without a schedule',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        delete s.backup.schedule;
      },
      'backup: An enabled backup needs a schedule and a retention',
    ],
    [
      'a malformed cron schedule',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.backup.schedule = 'every 6 hours';
      },
      'backup.schedule: must be a five-field cron expression such as "0 */6 * * *" (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7)',
    ],
    [
      'a cron schedule out of range',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.backup.schedule = '0 25 * * *';
      },
      'backup.schedule: must be a five-field cron expression such as "0 */6 * * *" (minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7)',
    ],
    [
      'a role without CPU',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.resources.instance.cpu = '0';
      },
      'resources.instance.cpu: must be more than 0',
    ],
    [
      'a malformed CIDR',
      'pg-ha',
      (s: ServiceClaimSpec) => {
        s.networking!.allowedCIDRs = ['10.0.0.0/33'];
      },
      'networking.allowedCIDRs.0: must be an IPv4 CIDR such as 10.0.0.0/8',
    ],
  ])('rejects %s with an exact message', (_what, skuId, change, message) => {
    expect(problems(skuSpec(skuId, change))).toBe(message);
  });

  it('rejects fields it does not know instead of dropping them', () => {
    const spec = { ...skuSpec('pg-ha'), replicas: 3 };
    expect(problems(spec)).toContain('replicas');
  });
});

describe('specFromSku', () => {
  it('maps a sharded SKU onto shards and roles', () => {
    const spec = specFromSku(skuCatalog, 'vt-sharded', 'lagos');
    expect(spec.topology).toEqual({ shards: 4 });
    expect(spec.resources.vttablet.replicas).toBe(3);
    expect(spec.highAvailability.multiAZ).toBe(true);
  });

  it('replicates a global SKU to two more regions after the primary', () => {
    const spec = specFromSku(skuCatalog, 'yb-global', 'singapore');
    expect(spec.replication.regions).toEqual([
      'singapore',
      'lagos',
      'johannesburg',
    ]);
  });

  it('refuses a SKU that does not exist', () => {
    expect(() => specFromSku(skuCatalog, 'yb-huge', 'lagos')).toThrow(
      'There is no SKU "yb-huge"',
    );
  });
});
