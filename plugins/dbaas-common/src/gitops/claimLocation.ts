import { tenantSlug } from '../tenancy/roles';

/**
 * Labels the portal and the operator agree on: the operator puts them on every
 * resource it makes for a claim, the catalog's Kubernetes annotations select on
 * them, and metrics are joined on the service id.
 * @public
 */
export const DBAAS_LABELS = {
  serviceId: 'dbaas.io/service-id',
  serviceName: 'dbaas.io/service-name',
  tenant: 'dbaas.io/tenant',
  engine: 'dbaas.io/engine',
} as const;

/**
 * The Kubernetes namespace of a tenant's databases in every PoP cluster, e.g.
 * `tenant-payments`: `tenant-` and the tenant's slug (see tenantSlug).
 * @public
 */
export function tenantNamespace(tenantRef: string): string {
  return `tenant-${tenantSlug(tenantRef)}`;
}

/**
 * Where a database's ServiceClaim lives in the GitOps repository (docs/architecture.md,
 * glossary: claim): `tenants/{tenant}/{name}.yaml`. Database names are DNS
 * labels, so the path can never leave the tenant's folder.
 * @public
 */
export function claimFilePath(tenantRef: string, name: string): string {
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new Error(`Not a database name: ${name}`);
  }
  return `tenants/${tenantSlug(tenantRef)}/${name}.yaml`;
}
