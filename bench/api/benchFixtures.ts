import type { Entity } from '@backstage/catalog-model';
import {
  claimFootprint,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/** How big the installation under load is. */
export type BenchShape = {
  organizations: number;
  tenants: number;
  services: number;
};

/** The platform team: its members are platform admins and see every database. */
export const PLATFORM = 'group:default/platform';

export const organizationRef = (o: number) => `group:default/org-${o}`;
export const tenantRef = (t: number) => `group:default/team-${t}`;
export const organizationIndexOf = (t: number, shape: BenchShape) =>
  t % shape.organizations;

/** A member of tenant t's team, and of nothing else. */
export const memberRef = (t: number) => `user:default/member-${t}`;
/** One of several platform admins, so that no single rate-limit counter is hot. */
export const adminRef = (i: number) => `user:default/admin-${i}`;

/**
 * The groups a bench user belongs to, read from their name, so that any number
 * of users needs no table: member-N is in team-N, admin-N in the platform team.
 */
export function membershipsOf(userRef: string): string[] {
  const member = userRef.match(/^user:default\/member-(\d+)$/);
  if (member) {
    return [tenantRef(Number(member[1]))];
  }
  if (/^user:default\/admin-\d+$/.test(userRef)) {
    return [PLATFORM];
  }
  return [];
}

const group = (name: string, type: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type, children: [], ...(parent ? { parent } : {}) },
});

/** The catalog's Groups: the organizations, a team per tenant under one of them, and the platform team. */
export function benchGroups(shape: BenchShape): Entity[] {
  const groups = [group('platform', 'team')];
  for (let o = 0; o < shape.organizations; o++) {
    groups.push(group(`org-${o}`, 'organization'));
  }
  for (let t = 0; t < shape.tenants; t++) {
    groups.push(
      group(`team-${t}`, 'team', `org-${organizationIndexOf(t, shape)}`),
    );
  }
  return groups;
}

const BATCH = 500;

/**
 * Fills a migrated, empty plugin database the way months of use would: the
 * services spread evenly over the tenants, created one second apart, most of
 * them Active; a quota row per tenant, roomy enough that the create load never
 * runs into it; and role grants, so the permission filter's subquery on
 * role_grants has rows to look through: every tenant lets the next tenant's team
 * view its databases, and every organization has an org-admin.
 */
export async function seedBenchData(
  knex: Knex,
  shape: BenchShape,
): Promise<void> {
  const spec = specFromSku(skuCatalog, 'pg-shared', 'lagos');
  const footprint = claimFootprint(spec);
  const specJson = JSON.stringify(spec);
  const start = Date.now() - shape.services * 1000;

  const services = Array.from({ length: shape.services }, (_, i) => {
    const t = i % shape.tenants;
    const createdAt = new Date(start + i * 1000);
    return {
      id: randomUUID(),
      tenant: tenantRef(t),
      organization: organizationRef(organizationIndexOf(t, shape)),
      name: `svc-${Math.floor(i / shape.tenants)}`,
      engine: spec.engine,
      plan: spec.plan,
      region: spec.region,
      sku: spec.sku ?? null,
      status: ['Pending', 'Failed'][i % 10] ?? 'Active',
      spec: specJson,
      reported_status: null,
      storage_gi: footprint.storageGi,
      cpu: footprint.cpu,
      memory_gi: footprint.memoryGi,
      generation: 1,
      created_by: memberRef(t),
      created_at: createdAt,
      updated_at: createdAt,
      deleted_at: null,
    };
  });
  const quotas = Array.from({ length: shape.tenants }, (_, t) => ({
    tenant: tenantRef(t),
    max_instances: 100_000,
    max_storage_gi: 10_000_000,
    max_cpu: 1_000_000,
    max_memory_gi: 10_000_000,
    max_backups: 100,
  }));
  const grantedAt = new Date(start);
  const grants = [
    ...Array.from({ length: shape.tenants }, (_, t) => ({
      scope: tenantRef(t),
      organization: organizationRef(organizationIndexOf(t, shape)),
      principal: tenantRef((t + 1) % shape.tenants),
      role: 'service-viewer',
      granted_by: 'user:default/admin-0',
      granted_at: grantedAt,
    })),
    ...Array.from({ length: shape.organizations }, (_, o) => ({
      scope: organizationRef(o),
      organization: organizationRef(o),
      principal: `user:default/org-admin-${o}`,
      role: 'org-admin',
      granted_by: 'user:default/admin-0',
      granted_at: grantedAt,
    })),
  ];

  await knex.transaction(async tx => {
    await knex
      .batchInsert('service_instances', services, BATCH)
      .transacting(tx);
    await knex.batchInsert('tenant_quotas', quotas, BATCH).transacting(tx);
    await knex.batchInsert('role_grants', grants, BATCH).transacting(tx);
  });
  // Statistics and tables as autovacuum would soon have them: without the
  // vacuum, the seeding's one transaction leaves the live count's row with
  // 50,000 dead versions to read past. SQLite is left without: the backend
  // never runs ANALYZE there.
  if (knex.client.config.client === 'pg') {
    await knex.raw('VACUUM ANALYZE');
  }
}
