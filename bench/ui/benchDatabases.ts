import type {
  Organization,
  ServiceStatus,
  ServiceSummary,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';

/** The shape of the data the bench's fake DBaaS API answers with. */
export type BenchShape = { databases: number; tenants: number };

const engines = ['postgresql', 'yugabyte', 'scylla', 'mongodb'] as const;
const plans = ['shared', 'dedicated', 'clustered'] as const;
const regions = ['lagos', 'frankfurt', 'singapore'] as const;
const statuses: ServiceStatus[] = [
  'active',
  'active',
  'active',
  'provisioning',
];

export const benchOrganizationId = 'group:default/bench-org';

/** `bench-0001`…: names that sort and search predictably. */
export const benchDatabaseName = (index: number) =>
  `bench-${String(index + 1).padStart(4, '0')}`;

/**
 * One organization whose tenants share the databases evenly, newest first as
 * the API orders them, with quotas roomy enough to hold them.
 */
export function benchData(shape: BenchShape) {
  const tenants = Array.from({ length: shape.tenants }, (_, i) => ({
    id: `group:default/bench-team-${i + 1}`,
    title: `Bench team ${i + 1}`,
  }));
  const organization: Organization = {
    id: benchOrganizationId,
    title: 'Bench organization',
    tenants,
  };
  const now = Date.now();
  const databases: ServiceSummary[] = Array.from(
    { length: shape.databases },
    (_, i) => {
      const createdAt = new Date(now - i * 60_000).toISOString();
      return {
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        name: benchDatabaseName(i),
        tenant: tenants[i % tenants.length].id,
        organization: organization.id,
        engine: engines[i % engines.length],
        plan: plans[i % plans.length],
        region: regions[i % regions.length],
        status: statuses[i % statuses.length],
        createdAt,
        updatedAt: createdAt,
      };
    },
  );
  const quotas: TenantQuotaUsage[] = tenants.map(tenant => {
    const instances = databases.filter(d => d.tenant === tenant.id).length;
    return {
      tenant: tenant.id,
      quota: {
        instances: instances * 2,
        storageGi: 100_000,
        cpu: 1_000,
        memoryGi: 4_000,
        backups: 10_000,
        cdcPipelines: 20,
      },
      usage: {
        instances,
        storageGi: instances * 20,
        cpu: instances * 2,
        memoryGi: instances * 8,
        backups: instances * 7,
        cdcPipelines: instances,
      },
    };
  });
  return { organization, databases, quotas };
}

/** `GET /v1/services` over the bench's databases, as the backend pages it. */
export function pageOfServices(databases: ServiceSummary[], url: URL) {
  const params = url.searchParams;
  const page = Number(params.get('page') ?? 1);
  const limit = Number(params.get('limit') ?? 20);
  const q = params.get('q');
  const matching = databases.filter(
    d =>
      (['engine', 'plan', 'region', 'status', 'tenant'] as const).every(
        key => !params.get(key) || d[key] === params.get(key),
      ) &&
      (!q || d.name.includes(q)),
  );
  return {
    data: matching.slice((page - 1) * limit, page * limit),
    pagination: { page, limit, total: matching.length },
  };
}
