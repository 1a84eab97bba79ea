/**
 * The roles of the seed architecture (§4.2). The organization roles are granted on
 * a whole organization; the service roles on one tenant (project) or the whole
 * organization.
 * @public
 */
export const DBAAS_ROLES = [
  'org-owner',
  'org-admin',
  'org-member',
  'service-admin',
  'service-viewer',
] as const;

/** @public */
export type DbaasRole = (typeof DBAAS_ROLES)[number];

/** Roles that only make sense on a whole organization. @public */
export const ORGANIZATION_ONLY_ROLES: readonly DbaasRole[] = [
  'org-owner',
  'org-admin',
  'org-member',
];

/**
 * The Kafka-safe name of a tenant, used in topic names such as
 * `dbaas.audit.{tenant}`: the group's name, prefixed by its namespace when that
 * is not `default`.
 * @public
 */
export function tenantSlug(tenantRef: string): string {
  const match = tenantRef.match(/^group:([^/]+)\/(.+)$/);
  if (!match) {
    throw new Error(`Not a group reference: ${tenantRef}`);
  }
  const [, namespace, name] = match;
  const slug = namespace === 'default' ? name : `${namespace}-${name}`;
  return slug.replace(/[^a-zA-Z0-9._-]/g, '_');
}
