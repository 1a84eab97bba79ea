import {
  CLAIM_ANNOTATIONS,
  ENGINE_IDS,
  replicasStartFromPrimaryBackup,
  PLAN_IDS,
  claimManifest,
  specFromSku,
  type EngineId,
  type PlanId,
  type RegionId,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import type { ClaimObject, RenderContext } from '../types';

/** The tenant of the test claims: its namespace is `tenant-123`. */
export const TEST_TENANT = 'group:default/123';

/** The platform namespaces every test PoP admits. */
export const TEST_PLATFORM_NAMESPACES = ['dbaas-system', 'monitoring'];

const TEST_UID = '6f1c2a3e-0000-4000-8000-000000000123';

/** The primary's first backup of the test claims whose replicas need one. */
export const TEST_PRIMARY_BACKUP = '20261201T020000';

/**
 * A claim as the portal commits it (claimManifest) and the cluster returns it
 * (with a uid and generation).
 */
export function claimFrom(
  name: string,
  spec: ServiceClaimSpec,
  options: { uid?: string; namespace?: string } = {},
): ClaimObject {
  const manifest = claimManifest({
    id: `svc-${name}`,
    tenant: TEST_TENANT,
    organization: 'acme',
    name,
    generation: 3,
    spec,
  });
  return {
    ...manifest,
    metadata: {
      ...manifest.metadata,
      // As the portal commits it once the primary's first backup completed.
      ...(replicasStartFromPrimaryBackup(spec)
        ? {
            annotations: {
              ...manifest.metadata.annotations,
              [CLAIM_ANNOTATIONS.primaryBackup]: TEST_PRIMARY_BACKUP,
            },
          }
        : {}),
      namespace: options.namespace ?? manifest.metadata.namespace,
      uid: options.uid ?? TEST_UID,
      generation: 3,
    },
  };
}

/** The pod CIDRs of the test PoPs (a platform's, as the chart's popPodCidrs). */
export const TEST_POP_POD_CIDRS: Record<string, string[]> = {
  lagos: ['10.11.0.0/16'],
  johannesburg: ['10.12.0.0/16'],
  frankfurt: ['10.13.0.0/16', '10.113.0.0/16'],
  ashburn: ['10.14.0.0/16'],
  singapore: ['10.15.0.0/16'],
};

/** The context of the operator in `pop`. */
export function contextFor(pop: string): RenderContext {
  return {
    pop,
    platformNamespaces: TEST_PLATFORM_NAMESPACES,
    // One bucket for every PoP, so a replica region finds the primary's archive.
    backupDestinationDefault: 's3://dbaas-backups',
    tlsIssuer: 'dbaas-ca',
    popPodCidrs: TEST_POP_POD_CIDRS,
  };
}

/** One claim the tests render, in each PoP it runs in. */
export type ClaimCase = {
  /** The SKU id, or `<engine>-<plan>` for a plan no SKU of the engine is on. */
  id: string;
  engine: EngineId;
  plan: PlanId;
  /** Where it renders: its primary region, and its second region if any. */
  pops: RegionId[];
  spec: ServiceClaimSpec;
};

/** A SKU's default spec, with one client network as the portal's form would add. */
function skuSpec(skuId: string, region: RegionId): ServiceClaimSpec {
  const spec = specFromSku(skuCatalog, skuId, region);
  spec.networking = {
    tls: spec.networking?.tls ?? { enabled: true },
    allowedCIDRs: ['10.20.0.0/16'],
  };
  return spec;
}

/**
 * A claim on a plan none of the engine's SKUs is on, made from the engine's
 * SKU nearest to it the way a user would edit the form: the plan's scaling,
 * availability and regions, no SKU.
 */
function planVariant(engine: EngineId, plan: PlanId): ServiceClaimSpec {
  const skus = skuCatalog.skus.filter(s => s.engine === engine);
  const base =
    skus.find(
      s => s.plan === (plan === 'clustered' ? 'clustered' : 'dedicated'),
    ) ??
    skus.find(s => s.plan === 'dedicated') ??
    skus[0];
  const spec = skuSpec(base.id, base.regions[0]);
  delete spec.sku;
  spec.plan = plan;
  if (plan === 'shared') {
    for (const role of Object.values(spec.resources)) role.replicas = 1;
    delete spec.resources.mongos;
    delete spec.resources.configsvr;
    spec.topology =
      spec.engine === 'mongodb' ? { mode: 'replicaset' } : undefined;
    if (spec.engine === 'vitess') spec.topology = {};
    spec.replication = { factor: 1, regions: [spec.region] };
    spec.engineOptions = undefined;
    spec.highAvailability = { multiAZ: false };
  } else if (plan === 'clustered') {
    spec.highAvailability = { multiAZ: true };
  } else if (plan === 'global') {
    spec.highAvailability = { multiAZ: true };
    spec.replication.regions = base.regions.slice(0, 3);
  }
  return JSON.parse(JSON.stringify(spec));
}

/**
 * PostgreSQL restores, the only engine that renders them: a backup restored to
 * its end in one region, and a point in time (in another offset than UTC)
 * from a source that named its own destination, in a global claim whose other
 * regions follow the restored primary.
 */
function restoreCases() {
  const restored = (
    id: string,
    skuId: string,
    restore: NonNullable<ServiceClaimSpec['restore']>,
  ) => {
    const sku = skuCatalog.skus.find(s => s.id === skuId)!;
    const spec = skuSpec(sku.id, sku.regions[0]);
    spec.restore = restore;
    return { id, engine: sku.engine, plan: sku.plan, spec };
  };
  const cdc = skuSpec('pg-ha', 'lagos');
  cdc.cdc = {
    pipelines: [
      { name: 'orders', tables: ['public.orders', 'public.order_lines'] },
      { name: 'audit', tables: ['billing.invoices'], paused: true },
    ],
  };
  return [
    { id: 'pg-cdc', engine: cdc.engine, plan: cdc.plan, spec: cdc },
    restored('pg-restored', 'pg-ha', {
      source: 'orders',
      backup: '20260301T060000',
    }),
    restored('pg-restored-pit', 'pg-global', {
      source: 'orders',
      destination: 's3://tenant-backups/orders?region=eu-west-1',
      backup: '20260301T060000',
      pointInTime: '2026-03-01T13:30:00.1234567+01:00',
    }),
  ];
}

/**
 * Every SKU in the first region it is offered in, every plan of every engine
 * no SKU is on (each engine on each plan at least once), and the restores.
 */
export function claimCases(): ClaimCase[] {
  const skuCases = skuCatalog.skus.map(sku => {
    const spec = skuSpec(sku.id, sku.regions[0]);
    return { id: sku.id, engine: sku.engine, plan: sku.plan, spec };
  });
  const variants = ENGINE_IDS.flatMap(engine =>
    PLAN_IDS.filter(
      plan => !skuCases.some(c => c.engine === engine && c.plan === plan),
    ).map(plan => ({
      id: `${engine}-${plan}`,
      engine,
      plan,
      spec: planVariant(engine, plan),
    })),
  );
  return [...skuCases, ...variants, ...restoreCases()].map(c => ({
    ...c,
    pops: c.spec.replication.regions.slice(0, 2) as RegionId[],
  }));
}
