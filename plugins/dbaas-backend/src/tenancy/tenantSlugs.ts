import { ConflictError } from '@backstage/errors';
import {
  tenantNamespace,
  tenantSlug,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';

type RawTenantSlugRow = {
  slug: string;
  tenant: string;
  reserved_at: Date | string;
};

/**
 * Holds the tenant's slug for it, for life, and resolves to it; throws
 * ConflictError naming the tenant that holds it when that is another.
 *
 * A slug names a tenant's GitOps folder, its namespace in every PoP and its
 * topics, and `tenantSlug` derives it from the group's reference in a way that
 * is not one-to-one. Every tenant (and organization) that has state of its own
 * (a database, a quota, an audit event: see writeAuditEvent) holds its slug
 * here, so two tenants never share a folder, a namespace or a topic, and every
 * other place may derive the slug from the reference.
 *
 * Call it inside the transaction of the change, before anything leaves the
 * process: a refusal rolls the change back. The only module that touches the
 * `tenant_slugs` table.
 */
export async function reserveTenantSlug(
  db: Knex | Knex.Transaction,
  tenant: string,
): Promise<string> {
  const slug = tenantSlug(tenant);
  const held = await db<RawTenantSlugRow>('tenant_slugs')
    .where({ slug })
    .first('tenant');
  if (held?.tenant === tenant) {
    return slug;
  }
  if (!held) {
    // Two reservations of one slug: the second waits for the first to
    // commit (PostgreSQL) or for the write lock (SQLite), and then does nothing.
    await db<RawTenantSlugRow>('tenant_slugs')
      .insert({ slug, tenant, reserved_at: new Date() })
      .onConflict()
      .ignore();
  }
  const holder = held
    ? held.tenant
    : (
        await db<RawTenantSlugRow>('tenant_slugs')
          .where({ slug })
          .first('tenant')
      )?.tenant;
  if (holder !== tenant) {
    throw slugTaken(tenant, slug, holder);
  }
  return slug;
}

/**
 * Refuses, as reserveTenantSlug would, a tenant whose slug another tenant
 * holds, without reserving it: for checks made before a change's transaction
 * (the GitOps repository is read before, never inside, one).
 */
export async function checkTenantSlug(db: Knex, tenant: string): Promise<void> {
  const slug = tenantSlug(tenant);
  const held = await db<RawTenantSlugRow>('tenant_slugs')
    .where({ slug })
    .first('tenant');
  if (held && held.tenant !== tenant) {
    throw slugTaken(tenant, slug, held.tenant);
  }
}

function slugTaken(tenant: string, slug: string, holder: string | undefined) {
  return new ConflictError(
    `${tenant} would be named "${slug}" outside the catalog (GitOps folder tenants/${slug}/, namespace ${tenantNamespace(
      tenant,
    )}, topics dbaas.*.${slug}), and that name belongs to ${
      holder ?? 'another tenant'
    }; rename the group in the catalog to use the portal`,
  );
}

/**
 * The tenant holding a slug, or undefined when none does: for what names a
 * tenant only by its slug (its GitOps folder, its Argo CD Applications).
 */
export async function tenantOfSlug(
  db: Knex,
  slug: string,
): Promise<string | undefined> {
  const held = await db<RawTenantSlugRow>('tenant_slugs')
    .where({ slug })
    .first('tenant');
  return held?.tenant;
}
