/**
 * The roles of docs/security.md ("Roles: what each can do"). The organization roles are granted on
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

/** The longest slug: `tenant-{slug}` must be a DNS label (63 characters). @public */
export const TENANT_SLUG_MAX_LENGTH = 63 - 'tenant-'.length;

/**
 * A tenant's (or organization's) slug: the one name it has outside the
 * catalog, in its GitOps folder `tenants/{slug}/`, its namespace
 * `tenant-{slug}` in every PoP cluster and its Kafka topics such as
 * `dbaas.audit.{slug}`. It is the group's name, prefixed by its namespace when
 * that is not `default`, as a DNS label: lower case, every run of other
 * characters one dash, at most {@link TENANT_SLUG_MAX_LENGTH} characters.
 *
 * The mapping is not one-to-one (`group:data/platform` and
 * `group:default/data.platform` both give `data-platform`): the DBaaS backend
 * records which tenant holds each slug and refuses any other tenant that would
 * get it (docs/security.md). It must never change, or recorded tenants would
 * lose their folders, namespaces and topics.
 * @public
 */
export function tenantSlug(tenantRef: string): string {
  const match = tenantRef.match(/^group:([^/]+)\/(.+)$/);
  if (!match) {
    throw new Error(`Not a group reference: ${tenantRef}`);
  }
  const [, namespace, name] = match;
  const slug = (namespace === 'default' ? name : `${namespace}-${name}`)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, TENANT_SLUG_MAX_LENGTH)
    .replace(/-+$/, '');
  if (!slug) {
    throw new Error(`${tenantRef} has no letter or digit to name it by`);
  }
  return slug;
}
