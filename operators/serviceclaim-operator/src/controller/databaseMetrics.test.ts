import { Registry } from 'prom-client';
import type { ServiceClaimStatus } from '@internal/backstage-plugin-dbaas-common';
import type { StoredClaim } from '../reconcile/ClaimApi';
import { registerDatabaseMetrics } from './databaseMetrics';

const ORDERS_ID = '0b6c7e54-2f0d-4b8a-9d51-1c2f6a7e3b90';
const CACHE_ID = '5d1e9a20-7c4b-4e3f-8a62-9b0f4c1d2e77';

function claim(
  namespace: string,
  name: string,
  engine: string,
  status?: ServiceClaimStatus,
  serviceId?: string,
): StoredClaim {
  return {
    apiVersion: 'dbaas.io/v1alpha1',
    kind: 'ServiceClaim',
    metadata: {
      name,
      namespace,
      uid: `uid-${name}`,
      generation: 1,
      resourceVersion: '1',
      labels: serviceId ? { 'dbaas.io/service-id': serviceId } : {},
    },
    spec: { engine },
    ...(status ? { status } : {}),
  };
}

/** The registry's samples of `name`, as "label=value,... value" lines, sorted. */
async function samples(registry: Registry, name: string): Promise<string[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return values
    .map(
      ({ labels, value }) =>
        `${Object.entries(labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')} ${value}`,
    )
    .sort();
}

const ORDERS = `dbaas_io_service_id=${ORDERS_ID},namespace=tenant-shop,claim=orders,engine=postgresql`;
const CACHE = `dbaas_io_service_id=${CACHE_ID},namespace=tenant-ads,claim=cache,engine=dragonfly`;

describe('registerDatabaseMetrics', () => {
  let claims: StoredClaim[];
  let registry: Registry;

  beforeEach(() => {
    claims = [];
    registry = new Registry();
    registerDatabaseMetrics(registry, () => claims);
  });

  it('exports one info series per claim, and drops a claim that went away at the next scrape', async () => {
    claims = [
      claim('tenant-shop', 'orders', 'postgresql', undefined, ORDERS_ID),
      claim('tenant-ads', 'cache', 'dragonfly', undefined, CACHE_ID),
    ];
    expect(await samples(registry, 'dbaas_database_info')).toEqual(
      [`${CACHE} 1`, `${ORDERS} 1`].sort(),
    );

    claims = claims.slice(0, 1);
    expect(await samples(registry, 'dbaas_database_info')).toEqual([
      `${ORDERS} 1`,
    ]);
    expect(await registry.metrics()).not.toContain('cache');
  });

  it('sets 1 on the phase the status reports and 0 on the others; all 0 before a status', async () => {
    claims = [
      claim(
        'tenant-shop',
        'orders',
        'postgresql',
        { phase: 'Failed' },
        ORDERS_ID,
      ),
      claim('tenant-ads', 'cache', 'dragonfly', undefined, CACHE_ID),
    ];
    const phases = await samples(registry, 'dbaas_database_status_phase');
    expect(phases.filter(s => s.startsWith(`${ORDERS},`))).toEqual([
      `${ORDERS},phase=Active 0`,
      `${ORDERS},phase=Deleting 0`,
      `${ORDERS},phase=Failed 1`,
      `${ORDERS},phase=Pending 0`,
      `${ORDERS},phase=Provisioning 0`,
    ]);
    expect(phases.filter(s => s.startsWith(`${CACHE},`))).toHaveLength(5);
    expect(phases.filter(s => s.startsWith(`${CACHE},`))).toEqual(
      expect.arrayContaining([`${CACHE},phase=Active 0`]),
    );
    expect(phases.filter(s => s.endsWith(' 1'))).toEqual([
      `${ORDERS},phase=Failed 1`,
    ]);

    claims[0].status = { phase: 'Active' };
    expect(
      (await samples(registry, 'dbaas_database_status_phase')).filter(s =>
        s.endsWith(' 1'),
      ),
    ).toEqual([`${ORDERS},phase=Active 1`]);
  });

  it('tells whether the newest backup that ended failed, passing over those still running', async () => {
    const backup = (
      name: string,
      phase: 'pending' | 'running' | 'completed' | 'failed',
    ) => ({ name, type: 'scheduled' as const, phase });
    claims = [
      claim(
        'tenant-shop',
        'orders',
        'postgresql',
        {
          phase: 'Active',
          backups: [
            backup('orders-0300', 'running'),
            backup('orders-0200', 'failed'),
            backup('orders-0100', 'completed'),
          ],
        },
        ORDERS_ID,
      ),
      claim(
        'tenant-ads',
        'cache',
        'dragonfly',
        { phase: 'Active', backups: [backup('cache-0100', 'pending')] },
        CACHE_ID,
      ),
    ];
    expect(
      await samples(registry, 'dbaas_database_last_backup_failed'),
    ).toEqual([`${ORDERS} 1`]);

    claims[0].status!.backups![0].phase = 'completed';
    expect(
      await samples(registry, 'dbaas_database_last_backup_failed'),
    ).toEqual([`${ORDERS} 0`]);
  });

  it("exports each running pipeline's lag and last change, and nothing of a paused one", async () => {
    const pipeline = (
      name: string,
      state: 'running' | 'paused',
      lagMs?: number,
    ) => ({
      name,
      connector: `tenant-shop.orders.${name}`,
      state,
      topics: [`dbaas.cdc.postgresql.shop.public.${name}`],
      deadLetterTopic: `dbaas.cdc.postgresql.shop.${name}-dlq`,
      measured: {
        at: '2026-12-10T10:00:30Z',
        ...(lagMs === undefined
          ? {}
          : { lagMs, lastChangeAt: '2026-12-10T10:00:00Z' }),
        topics: [],
        deadLetters: 0,
        consumerGroups: [],
      },
    });
    claims = [
      claim(
        'tenant-shop',
        'orders',
        'postgresql',
        {
          phase: 'Active',
          cdc: [
            pipeline('orders', 'running', 1500),
            pipeline('refunds', 'paused', 90_000),
            // Running, but no change has arrived while the operator watched.
            pipeline('audit', 'running'),
          ],
        },
        ORDERS_ID,
      ),
    ];
    expect(await samples(registry, 'dbaas_database_cdc_lag_seconds')).toEqual([
      `${ORDERS},pipeline=orders 1.5`,
    ]);
    expect(
      await samples(
        registry,
        'dbaas_database_cdc_last_change_timestamp_seconds',
      ),
    ).toEqual([
      `${ORDERS},pipeline=orders ${Date.parse('2026-12-10T10:00:00Z') / 1000}`,
    ]);
  });

  it('exports a claim applied without a database id, with an empty id', async () => {
    claims = [claim('tenant-shop', 'scratch', 'postgresql')];
    expect(await samples(registry, 'dbaas_database_info')).toEqual([
      'dbaas_io_service_id=,namespace=tenant-shop,claim=scratch,engine=postgresql 1',
    ]);
  });
});
